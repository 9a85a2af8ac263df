/**
 * C source, part 5 of the native engine: `xd_loss_grad` (the flow-matching
 * loss `Σ w·(v − u)²` and the flat parameter gradient, in the layout order
 * of `paramLayout`), the FMA-only roof kernel and the CPU feature check.
 *
 * @module
 */

/**
 * `xd_loss_grad`, `xd_fma_roof`, `xd_cpu_ok`.
 *
 * @example
 * ```ts
 * import { C_LOSS } from "./_c_loss.ts";
 * import assert from "node:assert/strict";
 * assert.ok(C_LOSS.includes("xd_fma_roof"));
 * ```
 */
export const C_LOSS = String.raw`
static void unpack(float* dst, const float* src, long K, long M, long lds) {
  for (long k = 0; k < K; k++) memcpy(dst + k * M, src + k * lds, sizeof(float) * M);
}
static int add_dense(WJob* jobs, int* nj, WItem* items, int* ni, int kind, const float* X, long ldx,
                     const float* G, long ldg, int rows, int K, int Mp, float* out, float* bias) {
  WJob* jb = jobs + *nj;
  jb->kind = kind; jb->X = X; jb->ldx = ldx; jb->G = G; jb->ldg = ldg; jb->rows = rows;
  jb->K = K; jb->Mp = Mp; jb->out = out; jb->bias = bias; jb->l = 0;
  const int step = kind == 0 ? 4 : 1;
  for (int k = 0; k < K; k += step) {
    items[*ni].job = *nj; items[*ni].k0 = k; items[*ni].k1 = k + step < K ? k + step : K;
    (*ni)++;
  }
  if (bias) { items[*ni].job = *nj; items[*ni].k0 = -1; items[*ni].k1 = -1; (*ni)++; }
  return (*nj)++;
}
/* Loss sum_i weight[i/A]*(v_i - target_i)^2 (double, in i order) and its
   gradient into grad (flat, layout order); v [B*H*A] gets the velocity.
   Returns the loss, or -1 when out of memory. */
XD_API double xd_loss_grad(Net* N, int32_t B, const float* obs, const float* xt, const float* time,
                           const float* target, const float* weight, float* v, float* grad) {
  pthread_mutex_lock(&N->mu);
  const long n = (long)B * N->H, C = N->C, Cp = N->Cp, Hc = N->Hc, Hcp = N->Hcp, Ap = N->Ap;
  const long AS = N->AS, L = N->L, Kin = N->Kin, A = N->A, H = N->H, Ht = N->Ht;
  const long sht = Ht * Cp;
  int32_t* tidx;
  float* tm;
  int U;
  float* ada = call_time(N, time, n, &tidx, &tm, &U);
  if (!ada) { pthread_mutex_unlock(&N->mu); return -1.0; }
  const long o_tidx = (float*)tidx - N->ws, o_tm = tm - N->ws, o_ada = ada - N->ws;
  const long used = o_ada + rup8((long)U * AS) + 8;
  const long keep = rup8(n * Kin) + 2 * rup8(n * Cp) + rup8(n * Ap) + rup8(n * AS)
                  + L * (6 * rup8(n * Cp) + 2 * rup8(n * Hcp) + 2 * rup8(B * sht)) + 64 * (8 * L + 16);
  const long dws = rup8(Kin * Cp) + L * (rup8(Hc * Cp) + rup8(C * Hcp)) + rup8(C * AS)
                 + 3 * rup8(C * Cp) + rup8(C * Ap) + rup8(AS) + 3 * rup8(Cp) + rup8(Ap) + 64 * 24;
  const long uws = rup8((long)U * AS) + 2 * rup8((long)U * Cp) + 64;
  float* w = ws_get(N, used + keep + dws + uws, used);
  const int maxjobs = 4 * (int)L + 16, maxitems = 4 * (int)(L * (Hc + C + 2 * Ht) + Kin + 4 * C + 64);
  WJob* jobs = malloc(sizeof(WJob) * maxjobs);
  WItem* items = malloc(sizeof(WItem) * maxitems);
  if (!w || !jobs || !items) { free(jobs); free(items); pthread_mutex_unlock(&N->mu); return -1.0; }
  tidx = (int32_t*)(w + o_tidx); tm = w + o_tm; ada = w + o_ada;
  float* p = w + used;
#define CARVE(ptr, k) do { ptr = p; p += rup8(k) + 8; } while (0)
  GradJob j;
  memset(&j, 0, sizeof(j));
  j.N = N; j.B = B; j.U = U; j.obs = obs; j.xt = xt; j.target = target; j.weight = weight;
  j.ada = ada; j.tm = tm; j.tidx = tidx; j.v = v;
  Tile* t = &j.keep;
  CARVE(t->xin, n * Kin); CARVE(t->yf, n * Cp); CARVE(t->gin, n * Cp); CARVE(t->gvk, n * Ap);
  CARVE(t->gada, n * AS);
  j.gada = t->gada;
  for (int l = 0; l < L; l++) {
    CARVE(t->y1[l], n * Cp); CARVE(t->q[l], n * Cp); CARVE(t->y2[l], n * Cp); CARVE(t->q2[l], n * Cp);
    CARVE(t->gq2[l], n * Cp); CARVE(t->gq[l], n * Cp); CARVE(t->g2[l], n * Hcp); CARVE(t->gp2[l], n * Hcp);
    CARVE(t->gt[l], B * sht); CARVE(t->gp[l], B * sht);
  }
  float *dWin, *dbin, *dWall, *dball, *dW0, *db0, *dW2, *db2, *dWout, *dbout, *dWci[LMAX], *dWco[LMAX];
  CARVE(dWin, Kin * Cp); CARVE(dbin, Cp); CARVE(dWall, C * AS); CARVE(dball, AS); CARVE(dW0, C * Cp);
  CARVE(db0, Cp); CARVE(dW2, C * Cp); CARVE(db2, Cp); CARVE(dWout, C * Ap); CARVE(dbout, Ap);
  for (int l = 0; l < L; l++) { CARVE(dWci[l], C * Hcp); CARVE(dWco[l], Hc * Cp); }
  CARVE(j.gadau, (long)U * AS); CARVE(j.gh2, (long)U * Cp); CARVE(j.gh1, (long)U * Cp);
#undef CARVE
  const int nt = N->nt;
  /* FORWARD AND BACKWARD, TILE BY TILE */
  j.ntiles = (B + N->S - 1) / N->S;
  run_parallel(grad_tiles, &j, nt < j.ntiles ? nt : j.ntiles);
  double loss = 0.0;
  for (long i = 0; i < n * A; i++) {
    const float d = v[i] - target[i];
    loss += (double)weight[i / A] * (double)d * (double)d;
  }
  /* ADALN GRADIENTS PER DISTINCT TIME, THEN THE TIME MLP */
  memset(j.gadau, 0, sizeof(float) * U * AS);
  j.next = 0;
  run_parallel(grad_ada_sum, &j, nt);
  j.next = 0;
  run_parallel(grad_time_rows, &j, U > 8 ? nt : 1);
  /* WEIGHT GRADIENTS */
  int nj = 0, ni = 0;
  const int32_t* o = N->off;
  add_dense(jobs, &nj, items, &ni, 0, t->xin, Kin, t->gin, Cp, (int)n, (int)Kin, (int)Cp, dWin, dbin);
  for (int l = 0; l < L; l++) {
    add_dense(jobs, &nj, items, &ni, 0, t->g2[l], Hcp, t->gq2[l], Cp, (int)n, (int)Hc, (int)Cp, dWco[l], NULL);
    add_dense(jobs, &nj, items, &ni, 0, t->y2[l], Cp, t->gp2[l], Hcp, (int)n, (int)C, (int)Hcp, dWci[l], NULL);
    int a = add_dense(jobs, &nj, items, &ni, 1, t->gt[l], 0, t->gq[l], 0, B, (int)Ht, 0, grad + o[O_BLK(l, 1)], NULL);
    int b = add_dense(jobs, &nj, items, &ni, 2, t->y1[l], 0, t->gp[l], 0, B, (int)Ht, 0, grad + o[O_BLK(l, 0)], NULL);
    jobs[a].l = l; jobs[b].l = l;
  }
  add_dense(jobs, &nj, items, &ni, 0, tm + 4 * Cp, 5 * Cp, j.gadau, AS, U, (int)C, (int)AS, dWall, dball);
  add_dense(jobs, &nj, items, &ni, 0, tm + 2 * Cp, 5 * Cp, j.gh2, Cp, U, (int)C, (int)Cp, dW2, db2);
  add_dense(jobs, &nj, items, &ni, 0, tm, 5 * Cp, j.gh1, Cp, U, (int)C, (int)Cp, dW0, db0);
  add_dense(jobs, &nj, items, &ni, 0, t->yf, Cp, t->gvk, Ap, (int)n, (int)C, (int)Ap, dWout, dbout);
  j.jobs = jobs; j.items = items; j.nitems = ni; j.njobs = nj; j.next = 0;
  run_parallel(grad_weights, &j, nt);
  /* UNPACK INTO THE FLAT LAYOUT */
  unpack(grad + o[O_IN], dWin, Kin, C, Cp);
  memcpy(grad + o[O_IN + 1], dbin, sizeof(float) * C);
  for (int l = 0; l < L; l++) {
    unpack(grad + o[O_BLK(l, 2)], dWci[l], C, Hc, Hcp);
    unpack(grad + o[O_BLK(l, 3)], dWco[l], Hc, C, Cp);
  }
  for (int l = 0; l <= L; l++) {
    const int nseg = l < L ? 6 : 2;
    for (int seg = 0; seg < nseg; seg++) {
      const int half = l < L ? seg / 3 : 0, part = l < L ? seg % 3 : seg;
      const long width = l < L ? 3 * C : 2 * C;
      float* k = grad + (l < L ? o[O_BLK(l, 4 + 2 * half)] : o[O_TAIL(N, 4)]);
      float* b = grad + (l < L ? o[O_BLK(l, 5 + 2 * half)] : o[O_TAIL(N, 5)]);
      const long col = ada_col(N, l, seg);
      for (long r = 0; r < C; r++) memcpy(k + r * width + part * C, dWall + r * AS + col, sizeof(float) * C);
      memcpy(b + part * C, dball + col, sizeof(float) * C);
    }
  }
  unpack(grad + o[O_TAIL(N, 0)], dW0, C, C, Cp);
  memcpy(grad + o[O_TAIL(N, 1)], db0, sizeof(float) * C);
  unpack(grad + o[O_TAIL(N, 2)], dW2, C, C, Cp);
  memcpy(grad + o[O_TAIL(N, 3)], db2, sizeof(float) * C);
  unpack(grad + o[O_TAIL(N, 6)], dWout, C, A, Ap);
  memcpy(grad + o[O_TAIL(N, 7)], dbout, sizeof(float) * A);
  free(jobs);
  free(items);
  pthread_mutex_unlock(&N->mu);
  (void)H;
  return loss;
}

/* ---- FMA roof: 12 independent chains of 8-lane FMAs per thread ---- */
typedef struct { long iters; float sink[256]; } RoofJob;
static void roof_task(void* ctx, int tid, int nt) {
  (void)nt;
  RoofJob* j = ctx;
  __m256 a[12];
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (int i = 0; i < 12; i++) a[i] = _mm256_set1_ps(1.0f + (float)i);
  for (long it = 0; it < j->iters; it++) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) a[i] = _mm256_fmadd_ps(a[i], m, c);
  }
  __m256 s = a[0];
  for (int i = 1; i < 12; i++) s = _mm256_add_ps(s, a[i]);
  j->sink[tid % 256] = hsum8(s);
}
/* Runs iters*12*8 FMAs on each of nthreads threads; returns the wall seconds. */
XD_API double xd_fma_roof(int64_t iters, int32_t nthreads) {
  RoofJob j;
  j.iters = iters;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  run_parallel(roof_task, &j, nthreads);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
}
/* 1 when the CPU has AVX2 and FMA. */
XD_API int32_t xd_cpu_ok(void) {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
`;
