// OpenBLAS's cblas.h also declares openblas_get_corename and openblas_set_num_threads,
// which the core-type check at start-up needs.
#include <cblas.h>

// OpenBLAS starts its worker threads when the library loads, before any of our code runs, and a
// thread's floating-point modes are those of the thread that created it. Stopping and
// restarting the pool from a thread that flushes subnormals gives the workers the same mode
// (TensorCore's SubnormalFlushing). Both are exported by libopenblas (common.h), not by cblas.h.
int blas_thread_init(void);
int blas_thread_shutdown_(void);
