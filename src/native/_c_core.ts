/**
 * C source, part 1 of the native engine: vector math (exp, GELU, swish),
 * the thread pool, the register-blocked AVX2/FMA matrix product every
 * linear map of the network goes through, and LayerNorm with adaLN
 * modulation (forward and backward).
 *
 * Determinism: every output element of {@linkcode C_CORE}'s `mm` is one FMA
 * chain over k in order, whatever block it falls in; elementwise kernels
 * always run on padded widths (multiples of 8), so a row's result does not
 * depend on its position in the batch, the tile or the thread.
 *
 * @module
 */

/**
 * Includes, helpers, vector math, thread pool, `mm`, `ln_mod`, `ln_back`.
 *
 * @example
 * ```ts
 * import { C_CORE } from "./_c_core.ts";
 * import assert from "node:assert/strict";
 * assert.ok(C_CORE.includes("static void mm("));
 * ```
 */
export const C_CORE = String.raw`
#include <immintrin.h>
#include <math.h>
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define XD_API __attribute__((visibility("default")))
#define INL static inline __attribute__((always_inline))
#define LMAX 32

static int rup8(int n) { return (n + 7) & ~7; }
static void* xalloc(size_t floats) {
  void* p = NULL;
  if (posix_memalign(&p, 64, (floats ? floats : 16) * sizeof(float))) return NULL;
  return p;
}
INL float hsum8(__m256 v) {
  __m128 lo = _mm256_castps256_ps128(v), hi = _mm256_extractf128_ps(v, 1);
  __m128 s = _mm_add_ps(lo, hi);
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_shuffle_ps(s, s, 1));
  return _mm_cvtss_f32(s);
}

/* exp(x), Cephes polynomial, argument clamped to [-87, 80] (no denormals). */
INL __m256 v_exp(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(80.0f));
  __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                              _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(fx, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r);
  p = _mm256_add_ps(p, _mm256_set1_ps(1.0f));
  __m256i n = _mm256_add_epi32(_mm256_cvtps_epi32(fx), _mm256_set1_epi32(127));
  return _mm256_mul_ps(p, _mm256_castsi256_ps(_mm256_slli_epi32(n, 23)));
}
INL __m256 v_sigmoid(__m256 z) {
  const __m256 one = _mm256_set1_ps(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, v_exp(_mm256_sub_ps(_mm256_setzero_ps(), z))));
}
#define GELU_K0 0.7978845608028654f
#define GELU_K1 0.044715f
/* tanh-gelu of one vector: gelu(x) = x*sigmoid(2u), u = K0*(x + K1*x^3); with
   dg, also its derivative s + 2*x*s*(1-s)*K0*(1 + 3*K1*x^2). */
INL __m256 gelu1(__m256 x, __m256* dg) {
  const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
  __m256 x2 = _mm256_mul_ps(x, x);
  __m256 u = _mm256_mul_ps(_mm256_set1_ps(GELU_K0),
                           _mm256_add_ps(x, _mm256_mul_ps(_mm256_set1_ps(GELU_K1), _mm256_mul_ps(x2, x))));
  __m256 s = v_sigmoid(_mm256_mul_ps(two, u));
  if (dg) {
    __m256 du = _mm256_mul_ps(_mm256_set1_ps(GELU_K0),
                              _mm256_add_ps(one, _mm256_mul_ps(_mm256_set1_ps(3.0f * GELU_K1), x2)));
    __m256 t = _mm256_mul_ps(_mm256_mul_ps(two, x), _mm256_mul_ps(s, _mm256_sub_ps(one, s)));
    *dg = _mm256_add_ps(s, _mm256_mul_ps(t, du));
  }
  return _mm256_mul_ps(x, s);
}
/* gelu1 on 4 independent vectors in lockstep (the same operations per vector,
   interleaved so their long dependency chains overlap). */
INL void gelu4(__m256 x[4], __m256 g[4], __m256* dg) {
  const __m256 one = _mm256_set1_ps(1.0f), two = _mm256_set1_ps(2.0f);
  __m256 x2[4], z[4], e[4], s[4];
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    x2[i] = _mm256_mul_ps(x[i], x[i]);
    __m256 u = _mm256_mul_ps(_mm256_set1_ps(GELU_K0),
                             _mm256_add_ps(x[i], _mm256_mul_ps(_mm256_set1_ps(GELU_K1), _mm256_mul_ps(x2[i], x[i]))));
    z[i] = _mm256_mul_ps(two, u);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) e[i] = v_exp(_mm256_sub_ps(_mm256_setzero_ps(), z[i]));
#pragma GCC unroll 4
  for (int i = 0; i < 4; i++) {
    s[i] = _mm256_div_ps(one, _mm256_add_ps(one, e[i]));
    g[i] = _mm256_mul_ps(x[i], s[i]);
  }
  if (dg) {
#pragma GCC unroll 4
    for (int i = 0; i < 4; i++) {
      __m256 du = _mm256_mul_ps(_mm256_set1_ps(GELU_K0),
                                _mm256_add_ps(one, _mm256_mul_ps(_mm256_set1_ps(3.0f * GELU_K1), x2[i])));
      __m256 t = _mm256_mul_ps(_mm256_mul_ps(two, x[i]), _mm256_mul_ps(s[i], _mm256_sub_ps(one, s[i])));
      dg[i] = _mm256_add_ps(s[i], _mm256_mul_ps(t, du));
    }
  }
}
/* gelu in place over n (multiple of 8) floats; derivative to dg when given. */
static void gelu_inplace(float* p, float* dg, long n) {
  long i = 0;
  for (; i + 32 <= n; i += 32) {
    __m256 x[4], g[4], d[4];
    for (int k = 0; k < 4; k++) x[k] = _mm256_load_ps(p + i + 8 * k);
    gelu4(x, g, dg ? d : NULL);
    for (int k = 0; k < 4; k++) {
      _mm256_store_ps(p + i + 8 * k, g[k]);
      if (dg) _mm256_store_ps(dg + i + 8 * k, d[k]);
    }
  }
  for (; i < n; i += 8) {
    __m256 d;
    _mm256_store_ps(p + i, gelu1(_mm256_load_ps(p + i), dg ? &d : NULL));
    if (dg) _mm256_store_ps(dg + i, d);
  }
}
/* out = x*sigmoid(x) over n floats (multiple of 8). */
static void swish(const float* x, float* out, long n) {
  for (long i = 0; i < n; i += 8) {
    __m256 v = _mm256_load_ps(x + i);
    _mm256_store_ps(out + i, _mm256_mul_ps(v, v_sigmoid(v)));
  }
}
/* g *= swish'(x) = s*(1 + x*(1-s)) over n floats. */
static void swish_back(const float* x, float* g, long n) {
  const __m256 one = _mm256_set1_ps(1.0f);
  for (long i = 0; i < n; i += 8) {
    __m256 v = _mm256_load_ps(x + i), s = v_sigmoid(v);
    __m256 d = _mm256_mul_ps(s, _mm256_add_ps(one, _mm256_mul_ps(v, _mm256_sub_ps(one, s))));
    _mm256_store_ps(g + i, _mm256_mul_ps(_mm256_load_ps(g + i), d));
  }
}

/* ---- thread pool: workers 1..n-1 plus the calling thread 0, woken by one
   semaphore each (no condition variables), reporting on one semaphore ---- */
typedef void (*xd_task)(void* ctx, int tid, int nt);
#define POOL_MAX 256
static pthread_mutex_t pool_region = PTHREAD_MUTEX_INITIALIZER;
static sem_t pool_go[POOL_MAX];
static sem_t pool_done;
static int pool_workers = 0, pool_nt = 0;
static xd_task pool_fn;
static void* pool_ctx;

static void sem_take(sem_t* s) {
  while (sem_wait(s) != 0 && errno == EINTR) {}
}
static void* pool_worker(void* arg) {
  const int id = (int)(intptr_t)arg;
  for (;;) {
    sem_take(&pool_go[id]);
    pool_fn(pool_ctx, id, pool_nt);
    sem_post(&pool_done);
  }
  return NULL;
}
/* Runs fn(ctx, tid, nt) on nt threads; returns when all are done. */
static void run_parallel(xd_task fn, void* ctx, int nt) {
  if (nt > POOL_MAX) nt = POOL_MAX;
  if (nt <= 1) { fn(ctx, 0, 1); return; }
  pthread_mutex_lock(&pool_region);
  if (pool_workers == 0) sem_init(&pool_done, 0, 0);
  while (pool_workers < nt - 1) {
    const int id = pool_workers + 1;
    pthread_t th;
    sem_init(&pool_go[id], 0, 0);
    if (pthread_create(&th, NULL, pool_worker, (void*)(intptr_t)id) != 0) break;
    pthread_detach(th);
    pool_workers = id;
  }
  if (nt - 1 > pool_workers) nt = pool_workers + 1;
  pool_fn = fn; pool_ctx = ctx; pool_nt = nt;
  for (int i = 1; i < nt; i++) sem_post(&pool_go[i]);
  fn(ctx, 0, nt);
  for (int i = 1; i < nt; i++) sem_take(&pool_done);
  pthread_mutex_unlock(&pool_region);
}
/* Next work item of a dynamically scheduled loop. */
INL int next_item(int* counter) { return __atomic_fetch_add(counter, 1, __ATOMIC_RELAXED); }

/* ---- matrix product ----
   out[r*ldo + m] = sum_k a[r*rs + k*ks] * w[k*ldw + m] (+ bias[m]) for r < R,
   m < Mp (a multiple of 8; w and bias padded with zeros), k = 0..K-1 in order,
   one FMA per term. Blocks of 4 rows x 16 columns. */
INL void mk(const int RB, const int NV, const float* a, long rs, long ks, int K,
            const float* w, long ldw, const float* bias, float* out, long ldo) {
  __m256 acc[4][2];
#pragma GCC unroll 4
  for (int r = 0; r < RB; r++) {
    acc[r][0] = _mm256_setzero_ps();
    acc[r][1] = _mm256_setzero_ps();
  }
#pragma GCC unroll 2
  for (int k = 0; k < K; k++) {
    const float* wk = w + (long)k * ldw;
    __m256 b0 = _mm256_loadu_ps(wk);
    __m256 b1 = NV > 1 ? _mm256_loadu_ps(wk + 8) : b0;
    const float* ak = a + (long)k * ks;
#pragma GCC unroll 4
    for (int r = 0; r < RB; r++) {
      __m256 x = _mm256_broadcast_ss(ak + r * rs);
      acc[r][0] = _mm256_fmadd_ps(x, b0, acc[r][0]);
      if (NV > 1) acc[r][1] = _mm256_fmadd_ps(x, b1, acc[r][1]);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < RB; r++) {
    __m256 o0 = acc[r][0], o1 = acc[r][1];
    if (bias) {
      o0 = _mm256_add_ps(o0, _mm256_loadu_ps(bias));
      if (NV > 1) o1 = _mm256_add_ps(o1, _mm256_loadu_ps(bias + 8));
    }
    _mm256_storeu_ps(out + r * ldo, o0);
    if (NV > 1) _mm256_storeu_ps(out + r * ldo + 8, o1);
  }
}
static void mk_rows(int RB, int NV, const float* a, long rs, long ks, int K, const float* w,
                    long ldw, const float* bias, float* out, long ldo) {
  if (NV == 2) {
    switch (RB) {
      case 4: mk(4, 2, a, rs, ks, K, w, ldw, bias, out, ldo); return;
      case 3: mk(3, 2, a, rs, ks, K, w, ldw, bias, out, ldo); return;
      case 2: mk(2, 2, a, rs, ks, K, w, ldw, bias, out, ldo); return;
      default: mk(1, 2, a, rs, ks, K, w, ldw, bias, out, ldo); return;
    }
  }
  switch (RB) {
    case 4: mk(4, 1, a, rs, ks, K, w, ldw, bias, out, ldo); return;
    case 3: mk(3, 1, a, rs, ks, K, w, ldw, bias, out, ldo); return;
    case 2: mk(2, 1, a, rs, ks, K, w, ldw, bias, out, ldo); return;
    default: mk(1, 1, a, rs, ks, K, w, ldw, bias, out, ldo); return;
  }
}
static void mm(const float* a, long rs, long ks, int R, int K, const float* w, long ldw,
               int Mp, const float* bias, float* out, long ldo) {
  for (int m = 0; m < Mp; m += 16) {
    int nv = Mp - m >= 16 ? 2 : 1;
    for (int r = 0; r < R; r += 4) {
      int rb = R - r >= 4 ? 4 : R - r;
      mk_rows(rb, nv, a + (long)r * rs, rs, ks, K, w + m, ldw, bias ? bias + m : NULL,
              out + (long)r * ldo + m, ldo);
    }
  }
}

/* ---- LayerNorm (no affine) + adaLN modulation over rows of width C (padded Cp).
   Row n's scale/shift: ada + tidx[n]*as + aoff (scale) and + Cp (shift). Padding
   columns of x must be zero; xh and y get zero padding. */
typedef struct { int C, Cp; int32_t tail[8]; } LnDims;
INL __m256 ln_tail(const LnDims* d) { return _mm256_loadu_ps((const float*)d->tail); }
static void ln_mod(const LnDims* d, const float* x, int rows, const float* ada, long as, const int32_t* tidx,
                   long aoff, float* xh, float* rs, float* y) {
  const int Cp = d->Cp, nv = Cp / 8;
  const __m256 tail = ln_tail(d);
  for (int n = 0; n < rows; n++) {
    const float* xr = x + (long)n * Cp;
    __m256 s = _mm256_setzero_ps();
    for (int v = 0; v < nv; v++) s = _mm256_add_ps(s, _mm256_load_ps(xr + 8 * v));
    const float mu = hsum8(s) / (float)d->C;
    const __m256 muv = _mm256_set1_ps(mu);
    __m256 q = _mm256_setzero_ps();
    for (int v = 0; v < nv; v++) {
      __m256 dv = _mm256_sub_ps(_mm256_load_ps(xr + 8 * v), muv);
      if (v == nv - 1) dv = _mm256_and_ps(dv, tail);
      q = _mm256_fmadd_ps(dv, dv, q);
    }
    const float r = 1.0f / sqrtf(hsum8(q) / (float)d->C + 1e-6f);
    rs[n] = r;
    const __m256 rv = _mm256_set1_ps(r), one = _mm256_set1_ps(1.0f);
    const float* sc = ada + tidx[n] * as + aoff;
    const float* sh = sc + Cp;
    float* xo = xh + (long)n * Cp;
    float* yo = y + (long)n * Cp;
    for (int v = 0; v < nv; v++) {
      __m256 h = _mm256_mul_ps(_mm256_sub_ps(_mm256_load_ps(xr + 8 * v), muv), rv);
      if (v == nv - 1) h = _mm256_and_ps(h, tail);
      _mm256_store_ps(xo + 8 * v, h);
      __m256 m = _mm256_mul_ps(h, _mm256_add_ps(one, _mm256_load_ps(sc + 8 * v)));
      _mm256_store_ps(yo + 8 * v, _mm256_add_ps(m, _mm256_load_ps(sh + 8 * v)));
    }
  }
}
/* Backward of ln_mod: gx += d LN input; when gada is given, its row n gets the
   scale grad gy*xh at aoff and the shift grad gy at aoff + Cp. */
static void ln_back(const LnDims* d, const float* gy, const float* xh, const float* rs, int rows,
                    const float* ada, long as, const int32_t* tidx, long aoff, float* gx,
                    float* gada, float* tmp) {
  const int Cp = d->Cp, nv = Cp / 8;
  const __m256 tail = ln_tail(d);
  const __m256 one = _mm256_set1_ps(1.0f);
  for (int n = 0; n < rows; n++) {
    const float* g = gy + (long)n * Cp;
    const float* h = xh + (long)n * Cp;
    const float* sc = ada + tidx[n] * as + aoff;
    float* ga = gada ? gada + (long)n * as + aoff : NULL;
    __m256 s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps();
    for (int v = 0; v < nv; v++) {
      __m256 gv = _mm256_load_ps(g + 8 * v), hv = _mm256_load_ps(h + 8 * v);
      __m256 t = _mm256_mul_ps(gv, _mm256_add_ps(one, _mm256_load_ps(sc + 8 * v)));
      _mm256_store_ps(tmp + 8 * v, t);
      s1 = _mm256_add_ps(s1, t);
      s2 = _mm256_fmadd_ps(t, hv, s2);
      if (ga) {
        _mm256_store_ps(ga + 8 * v, _mm256_mul_ps(gv, hv));
        _mm256_store_ps(ga + Cp + 8 * v, gv);
      }
    }
    const __m256 m1 = _mm256_set1_ps(hsum8(s1) / (float)d->C);
    const __m256 m2 = _mm256_set1_ps(hsum8(s2) / (float)d->C);
    const __m256 r = _mm256_set1_ps(rs[n]);
    float* o = gx + (long)n * Cp;
    for (int v = 0; v < nv; v++) {
      __m256 dv = _mm256_sub_ps(_mm256_sub_ps(_mm256_load_ps(tmp + 8 * v), m1),
                                _mm256_mul_ps(_mm256_load_ps(h + 8 * v), m2));
      __m256 add = _mm256_mul_ps(r, dv);
      if (v == nv - 1) add = _mm256_and_ps(add, tail);
      _mm256_store_ps(o + 8 * v, _mm256_add_ps(_mm256_load_ps(o + 8 * v), add));
    }
  }
}
/* out[n] = x[n] + gate_row(n) * q[n] over width Cp (gate at ada + tidx[n]*as + goff). */
static void resid_gate(float* x, const float* q, int rows, int Cp, const float* ada, long as,
                       const int32_t* tidx, long goff) {
  for (int n = 0; n < rows; n++) {
    const float* g = ada + tidx[n] * as + goff;
    float* xr = x + (long)n * Cp;
    const float* qr = q + (long)n * Cp;
    for (int c = 0; c < Cp; c += 8) {
      __m256 t = _mm256_mul_ps(_mm256_load_ps(g + c), _mm256_load_ps(qr + c));
      _mm256_store_ps(xr + c, _mm256_add_ps(_mm256_load_ps(xr + c), t));
    }
  }
}
/* out[n] = gx[n] * gate_row(n); when gg is given, gg_row(n)[goff..] = gx[n] * q[n]. */
static void gate_back(const float* gx, const float* q, int rows, int Cp, const float* ada, long as,
                      const int32_t* tidx, long goff, float* out, float* gg) {
  for (int n = 0; n < rows; n++) {
    const float* g = ada + tidx[n] * as + goff;
    const float* xr = gx + (long)n * Cp;
    float* o = out + (long)n * Cp;
    for (int c = 0; c < Cp; c += 8) {
      __m256 xv = _mm256_load_ps(xr + c);
      _mm256_store_ps(o + c, _mm256_mul_ps(xv, _mm256_load_ps(g + c)));
      if (gg) _mm256_store_ps(gg + (long)n * as + goff + c, _mm256_mul_ps(xv, _mm256_load_ps(q + (long)n * Cp + c)));
    }
  }
}
`;
