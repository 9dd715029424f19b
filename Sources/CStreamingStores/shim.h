// Streaming (non-temporal) stores, which Swift cannot emit: the value goes to memory without
// being read into the caches first and without displacing what the caches hold. Used for the
// dense layers' weight gradients (AVX512Products), which nothing reads until the optimiser
// sweeps them after the whole backward pass.
#ifndef VAE_STREAMING_STORES_H
#define VAE_STREAMING_STORES_H

/// Sixteen floats, imported into Swift as SIMD16<Float>.
typedef float vae_stream_lanes16 __attribute__((ext_vector_type(16)));
typedef float vae_stream_lanes4 __attribute__((ext_vector_type(4)));

/// Stores sixteen floats at `p` (16-byte aligned) as four streaming stores of four lanes
/// (`movntps`, which needs 16-byte alignment where the 64-byte form would need 64; the
/// processor's write-combining buffers join them into whole cache lines).
static inline void vae_stream_store16(float *p, vae_stream_lanes16 v) {
    __builtin_nontemporal_store(v.s0123, (vae_stream_lanes4 *)p);
    __builtin_nontemporal_store(v.s4567, (vae_stream_lanes4 *)(p + 4));
    __builtin_nontemporal_store(v.s89ab, (vae_stream_lanes4 *)(p + 8));
    __builtin_nontemporal_store(v.scdef, (vae_stream_lanes4 *)(p + 12));
}

/// Orders the streaming stores before every later store: x86-64's streaming stores are
/// weakly ordered, so without the fence another thread could see a later "done" flag before
/// the values (`sfence`). Elsewhere a full fence.
static inline void vae_streaming_stores_fence(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_sfence();
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

#endif
