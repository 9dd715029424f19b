// OpenBLAS's cblas.h also declares openblas_get_corename and openblas_set_num_threads,
// which the core-type check at start-up needs.
#include <cblas.h>
