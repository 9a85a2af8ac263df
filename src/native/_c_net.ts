/**
 * C source, part 2 of the native engine: the network object (packed,
 * zero-padded weights and their transposes), each thread's scratch layout
 * and the time conditioning (run once per distinct flow time of a call).
 *
 * Layouts: widths are padded to multiples of 8 (`Cp`, `Hcp`, `Ap`); token
 * rows `n = b·H + h` are `[rows, Cp]`; token-mixing tensors are per sample
 * `[Ht, Cp]` (hidden unit j, channel c); one adaLN row per distinct time is
 * `[L·6·Cp + 2·Cp]`: per block the scale, shift and gate of adaln_1 and of
 * adaln_2, then the final scale and shift, each segment `Cp` wide.
 *
 * @module
 */

/**
 * Network struct, scratch layout, parameter packing and time conditioning.
 *
 * @example
 * ```ts
 * import { C_NET } from "./_c_net.ts";
 * import assert from "node:assert/strict";
 * assert.ok(C_NET.includes("XD_API Net* xd_net_create("));
 * ```
 */
export const C_NET = String.raw`
typedef struct {
  int H, A, O, C, Hc, Ht, L, nt;
  int Cp, Hcp, Ap, Kin, AS, S, T;
  LnDims ln;
  int32_t off[8 * LMAX + 10];
  float *Win, *bin, *Wall, *ball, *W0, *b0, *W2, *b2, *Wout, *bout;
  float *Wci[LMAX], *Wco[LMAX], *Wti[LMAX], *Wto[LMAX], *WciT[LMAX], *WcoT[LMAX];
  float *WoutT, *WinTA, *WallT, *W2T;
  float* pbuf;            /* all packed weights */
  float** scratch;        /* per thread, scratch_floats each */
  long scratch_floats;
  float* ws;              /* per-call workspace (grow only) */
  long ws_cap;
  pthread_mutex_t mu;
} Net;

/* Offsets (in the flat parameter vector) in this order: in_proj kernel, bias;
   per block token_mix_in, token_mix_out, channel_mix_in, channel_mix_out,
   adaln_1 kernel, bias, adaln_2 kernel, bias; time_mlp 0 kernel, bias, 2 kernel,
   bias; final_adaln kernel, bias; out_proj kernel, bias. */
#define O_IN 0
#define O_BLK(l, i) (2 + 8 * (l) + (i))
#define O_TAIL(N, i) (2 + 8 * (N)->L + (i))

/* The per-call workspace, at least floats long; its first keep floats survive. */
static float* ws_get(Net* N, long floats, long keep) {
  if (floats > N->ws_cap) {
    long cap = floats + floats / 4 + 1024;
    float* w = xalloc(cap);
    if (!w) return NULL;
    if (keep > 0 && N->ws) memcpy(w, N->ws, sizeof(float) * keep);
    free(N->ws);
    N->ws = w;
    N->ws_cap = cap;
  }
  return N->ws;
}
/* Scratch layout of one thread (T token rows, S samples). */
typedef struct {
  float *xin, *x, *v, *y, *q, *g2, *gt, *xhf, *rsf, *gv, *gy, *gx, *gz, *gq, *gp, *tmp;
  float *cot, *gxt;
  int32_t* tidx;
  float *xh1[LMAX], *rs1[LMAX], *dgt[LMAX], *xh2[LMAX], *rs2[LMAX], *dg2[LMAX];
} Scratch;
static long scratch_layout(const Net* N, float* base, Scratch* s) {
  long T = N->T, S = N->S, Cp = N->Cp, o = 0;
  const long tc = rup8(T) * Cp, st = S * N->Ht * Cp, th = rup8(T) * N->Hcp;
#define TAKE(field, n) do { if (base) s->field = base + o; o += rup8(n); } while (0)
  TAKE(xin, T * N->Kin); TAKE(x, tc); TAKE(v, T * N->Ap); TAKE(y, tc); TAKE(q, tc);
  TAKE(g2, th); TAKE(gt, st); TAKE(xhf, tc); TAKE(rsf, T); TAKE(gv, T * N->Ap);
  TAKE(gy, tc); TAKE(gx, tc); TAKE(gz, tc); TAKE(gq, tc); TAKE(gp, st > th ? st : th);
  TAKE(tmp, Cp > N->Ap ? Cp : N->Ap); TAKE(cot, T * N->A); TAKE(gxt, T * N->A);
  if (base) s->tidx = (int32_t*)(base + o);
  o += rup8(T);
  for (int l = 0; l < N->L; l++) {
    TAKE(xh1[l], tc); TAKE(rs1[l], T); TAKE(dgt[l], st);
    TAKE(xh2[l], tc); TAKE(rs2[l], T); TAKE(dg2[l], th);
  }
#undef TAKE
  return o;
}

XD_API void xd_net_destroy(Net* N) {
  if (!N) return;
  if (N->scratch) for (int t = 0; t < N->nt; t++) free(N->scratch[t]);
  free(N->scratch);
  free(N->pbuf);
  free(N->ws);
  pthread_mutex_destroy(&N->mu);
  free(N);
}
/* dims: H, A, O, C, Hc, Ht, L; off: 8L + 10 parameter offsets (see above). */
XD_API Net* xd_net_create(const int32_t* dims, const int32_t* off, int32_t nthreads, int32_t tile) {
  if (dims[6] < 1 || dims[6] > LMAX || dims[0] > 64 || nthreads < 1 || nthreads > 256 || tile < 1) return NULL;
  Net* N = calloc(1, sizeof(Net));
  if (!N) return NULL;
  N->H = dims[0]; N->A = dims[1]; N->O = dims[2]; N->C = dims[3];
  N->Hc = dims[4]; N->Ht = dims[5]; N->L = dims[6]; N->nt = nthreads;
  N->Cp = rup8(N->C); N->Hcp = rup8(N->Hc); N->Ap = rup8(N->A); N->Kin = N->A + N->O;
  N->AS = N->L * 6 * N->Cp + 2 * N->Cp;
  N->S = tile; N->T = tile * N->H;
  N->ln.C = N->C; N->ln.Cp = N->Cp;
  for (int i = 0; i < 8; i++) N->ln.tail[i] = (N->Cp - 8 + i) < N->C ? -1 : 0;
  memcpy(N->off, off, sizeof(int32_t) * (8 * N->L + 10));
  pthread_mutex_init(&N->mu, NULL);
  const long C = N->C, Cp = N->Cp, Hc = N->Hc, Hcp = N->Hcp, Ap = N->Ap, A = N->A;
  const long AS = N->AS, H = N->H, Ht = N->Ht;
  long total = N->Kin * Cp + Cp + C * AS + AS + 2 * (C * Cp + Cp) + C * Ap + Ap
             + A * Cp + C * Ap + AS * Cp + C * Cp
             + N->L * (2 * C * Hcp + 2 * Hc * Cp + 2 * H * Ht + 64);
  N->pbuf = xalloc(total + 64 * 24);
  N->scratch = calloc(nthreads, sizeof(float*));
  if (!N->pbuf || !N->scratch) { xd_net_destroy(N); return NULL; }
  memset(N->pbuf, 0, sizeof(float) * (total + 64 * 24));
  float* p = N->pbuf;
#define CARVE(ptr, n) do { ptr = p; p += rup8(n) + 8; } while (0)
  CARVE(N->Win, N->Kin * Cp); CARVE(N->bin, Cp); CARVE(N->Wall, C * AS); CARVE(N->ball, AS);
  CARVE(N->W0, C * Cp); CARVE(N->b0, Cp); CARVE(N->W2, C * Cp); CARVE(N->b2, Cp);
  CARVE(N->Wout, C * Ap); CARVE(N->bout, Ap); CARVE(N->WoutT, A * Cp); CARVE(N->WinTA, C * Ap);
  CARVE(N->WallT, AS * Cp); CARVE(N->W2T, C * Cp);
  for (int l = 0; l < N->L; l++) {
    CARVE(N->Wci[l], C * Hcp); CARVE(N->Wco[l], Hc * Cp); CARVE(N->Wti[l], H * Ht);
    CARVE(N->Wto[l], Ht * H); CARVE(N->WciT[l], Hc * Cp); CARVE(N->WcoT[l], C * Hcp);
  }
#undef CARVE
  Scratch s;
  N->scratch_floats = scratch_layout(N, NULL, &s) + 64;
  for (int t = 0; t < nthreads; t++) {
    N->scratch[t] = xalloc(N->scratch_floats);
    if (!N->scratch[t]) { xd_net_destroy(N); return NULL; }
    memset(N->scratch[t], 0, sizeof(float) * N->scratch_floats);
  }
  return N;
}
/* dst[k*ldd + c] = src[k*M + c] for k < K, c < M. */
static void pack(float* dst, long ldd, const float* src, long K, long M) {
  for (long k = 0; k < K; k++) memcpy(dst + k * ldd, src + k * M, sizeof(float) * M);
}
/* dst[c*ldd + k] = src[k*M + c]: transpose of a [K, M] matrix. */
static void pack_t(float* dst, long ldd, const float* src, long K, long M) {
  for (long k = 0; k < K; k++)
    for (long c = 0; c < M; c++) dst[c * ldd + k] = src[k * M + c];
}
/* Column of ada segment s (scale, shift, gate...) of adaLN tensor group g. */
static long ada_col(const Net* N, int l, int seg) {
  return l < N->L ? (long)l * 6 * N->Cp + (long)seg * N->Cp : (long)N->L * 6 * N->Cp + (long)seg * N->Cp;
}
XD_API void xd_net_set_params(Net* N, const float* prm) {
  const long C = N->C, Cp = N->Cp, Hc = N->Hc, Hcp = N->Hcp, A = N->A, Ap = N->Ap, AS = N->AS;
  pthread_mutex_lock(&N->mu);
  const int32_t* o = N->off;
  pack(N->Win, Cp, prm + o[O_IN], N->Kin, C);
  memcpy(N->bin, prm + o[O_IN + 1], sizeof(float) * C);
  for (int l = 0; l <= N->L; l++) {
    const int nseg = l < N->L ? 6 : 2;
    for (int seg = 0; seg < nseg; seg++) {
      const int half = l < N->L ? seg / 3 : 0, part = l < N->L ? seg % 3 : seg;
      const long width = l < N->L ? 3 * C : 2 * C;
      const float* k = prm + (l < N->L ? o[O_BLK(l, 4 + 2 * half)] : o[O_TAIL(N, 4)]);
      const float* b = prm + (l < N->L ? o[O_BLK(l, 5 + 2 * half)] : o[O_TAIL(N, 5)]);
      const long col = ada_col(N, l, seg);
      for (long r = 0; r < C; r++) memcpy(N->Wall + r * AS + col, k + r * width + part * C, sizeof(float) * C);
      memcpy(N->ball + col, b + part * C, sizeof(float) * C);
    }
  }
  pack(N->W0, Cp, prm + o[O_TAIL(N, 0)], C, C);
  memcpy(N->b0, prm + o[O_TAIL(N, 1)], sizeof(float) * C);
  pack(N->W2, Cp, prm + o[O_TAIL(N, 2)], C, C);
  memcpy(N->b2, prm + o[O_TAIL(N, 3)], sizeof(float) * C);
  pack(N->Wout, Ap, prm + o[O_TAIL(N, 6)], C, A);
  memcpy(N->bout, prm + o[O_TAIL(N, 7)], sizeof(float) * A);
  pack_t(N->WoutT, Cp, prm + o[O_TAIL(N, 6)], C, A);
  pack_t(N->WinTA, Ap, prm + o[O_IN], A, C);
  pack_t(N->WallT, Cp, N->Wall, C, AS);
  pack_t(N->W2T, Cp, prm + o[O_TAIL(N, 2)], C, C);
  for (int l = 0; l < N->L; l++) {
    memcpy(N->Wti[l], prm + o[O_BLK(l, 0)], sizeof(float) * N->H * N->Ht);
    memcpy(N->Wto[l], prm + o[O_BLK(l, 1)], sizeof(float) * N->H * N->Ht);
    pack(N->Wci[l], Hcp, prm + o[O_BLK(l, 2)], C, Hc);
    pack(N->Wco[l], Cp, prm + o[O_BLK(l, 3)], Hc, C);
    pack_t(N->WciT[l], Cp, prm + o[O_BLK(l, 2)], C, Hc);
    pack_t(N->WcoT[l], Hcp, prm + o[O_BLK(l, 3)], Hc, C);
  }
  pthread_mutex_unlock(&N->mu);
}

/* ---- time conditioning for U distinct times: tm = [U, 5*Cp] (emb, h1, s1, h2,
   temb), ada = [U, AS]. Rows are independent: each is the same function of t. */
typedef struct { const Net* N; const float* tv; int U; float* tm; float* ada; int next; } TimeJob;
static void time_rows(const Net* N, const float* tv, int u0, int u1, float* tm, float* ada) {
  const long Cp = N->Cp, half = N->C / 2;
  for (int u = u0; u < u1; u++) {
    float* e = tm + (long)u * 5 * Cp;
    memset(e, 0, sizeof(float) * Cp);
    for (long j = 0; j < half; j++) {
      const double frac = half == 1 ? 0.0 : (double)j / (double)(half - 1);
      const float freq = (float)((1.0 / (4e-3 * pow(4.0 / 4e-3, frac))) * 2.0 * 3.14159265358979323846);
      const float arg = tv[u] * freq;
      e[j] = (float)sin((double)arg);
      e[half + j] = (float)cos((double)arg);
    }
  }
  const int R = u1 - u0;
  if (R <= 0) return;
  float* base = tm + (long)u0 * 5 * Cp;
  const long ld = 5 * Cp;
  mm(base, ld, 1, R, N->C, N->W0, Cp, Cp, N->b0, base + Cp, ld);
  for (int r = 0; r < R; r++) swish(base + r * ld + Cp, base + r * ld + 2 * Cp, Cp);
  mm(base + 2 * Cp, ld, 1, R, N->C, N->W2, Cp, Cp, N->b2, base + 3 * Cp, ld);
  for (int r = 0; r < R; r++) swish(base + r * ld + 3 * Cp, base + r * ld + 4 * Cp, Cp);
  mm(base + 4 * Cp, ld, 1, R, N->C, N->Wall, N->AS, N->AS, N->ball, ada + (long)u0 * N->AS, N->AS);
}
static void time_task(void* ctx, int tid, int nt) {
  (void)tid; (void)nt;
  TimeJob* j = ctx;
  for (int b; (b = next_item(&j->next)) * 8 < j->U;) {
    int u1 = b * 8 + 8 < j->U ? b * 8 + 8 : j->U;
    time_rows(j->N, j->tv, b * 8, u1, j->tm, j->ada);
  }
}
static void time_cond(const Net* N, const float* tv, int U, float* tm, float* ada) {
  TimeJob j = { N, tv, U, tm, ada, 0 };
  run_parallel(time_task, &j, U > 8 ? N->nt : 1);
}
/* Distinct values of t[0..n) in first-occurrence order (by bit pattern): tv[U],
   idx[n]; returns U. tab: 2*pow2 >= 2n ints. */
static int distinct_times(const float* t, int n, float* tv, int32_t* idx, int32_t* tab, int cap) {
  memset(tab, 0xff, sizeof(int32_t) * cap);
  int U = 0;
  for (int i = 0; i < n; i++) {
    uint32_t bits;
    memcpy(&bits, t + i, 4);
    uint32_t h = (bits * 2654435761u) & (uint32_t)(cap - 1);
    for (;;) {
      int32_t e = tab[h];
      if (e < 0) { tab[h] = U; tv[U] = t[i]; idx[i] = U++; break; }
      uint32_t eb;
      memcpy(&eb, tv + e, 4);
      if (eb == bits) { idx[i] = e; break; }
      h = (h + 1) & (uint32_t)(cap - 1);
    }
  }
  return U;
}
`;
