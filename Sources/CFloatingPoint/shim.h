// The processor's handling of subnormal floats (magnitudes below 1.18e-38), per thread: x86-64's
// MXCSR bits FTZ (results flushed to zero) and DAZ (inputs read as zero), arm64's FPCR.FZ.
// Swift has no access to these control registers, so they are read and written here.
#ifndef VAE_FLOATING_POINT_SHIM_H
#define VAE_FLOATING_POINT_SHIM_H

#if defined(__x86_64__) || defined(__i386__)
#include <xmmintrin.h>
#define VAE_SUBNORMAL_BITS 0x8040u /* FTZ (bit 15) | DAZ (bit 6) */

static inline int vae_subnormals_flush_to_zero(void) {
    return (_mm_getcsr() & VAE_SUBNORMAL_BITS) == VAE_SUBNORMAL_BITS;
}

static inline void vae_set_subnormals_flush_to_zero(int on) {
    unsigned int csr = _mm_getcsr();
    _mm_setcsr(on ? (csr | VAE_SUBNORMAL_BITS) : (csr & ~VAE_SUBNORMAL_BITS));
}

#elif defined(__aarch64__)
#include <stdint.h>
#define VAE_FPCR_FZ (1ull << 24)

static inline int vae_subnormals_flush_to_zero(void) {
    uint64_t fpcr;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    return (fpcr & VAE_FPCR_FZ) != 0;
}

static inline void vae_set_subnormals_flush_to_zero(int on) {
    uint64_t fpcr;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(fpcr));
    fpcr = on ? (fpcr | VAE_FPCR_FZ) : (fpcr & ~VAE_FPCR_FZ);
    __asm__ __volatile__("msr fpcr, %0" : : "r"(fpcr));
}

#else
static inline int vae_subnormals_flush_to_zero(void) { return 0; }
static inline void vae_set_subnormals_flush_to_zero(int on) { (void)on; }
#endif

#endif
