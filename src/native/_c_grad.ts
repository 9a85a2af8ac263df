/**
 * C source, part 4 of the native engine: the flow-matching loss and its
 * parameter gradient. Tiles run the fused forward and backward and keep, in
 * the per-call workspace, each linear map's input and output gradient; the
 * weight gradients are then reductions over all rows in row order, split
 * across threads by output rows, so the result does not depend on the
 * thread count. The adaLN gradients are first summed per distinct time
 * (tokens in order), then go through the time MLP once per distinct time.
 *
 * @module
 */

/**
 * The loss gradient's parallel phases: tiles, adaLN sums per distinct time,
 * time-MLP backward rows and the weight-gradient work items.
 *
 * @example
 * ```ts
 * import { C_GRAD } from "./_c_grad.ts";
 * import assert from "node:assert/strict";
 * assert.ok(C_GRAD.includes("static void grad_tiles("));
 * ```
 */
export const C_GRAD = String.raw`
/* One weight-gradient job: out[k, m] = sum_n X[n*ldx + k] * G[n*ldg + m] (dense),
   or the token-mixing kernels (kind 1: token_mix_out, kind 2: token_mix_in). */
typedef struct {
  int kind, rows, K, Mp, l;
  const float *X, *G;
  long ldx, ldg;
  float *out, *bias;
} WJob;
typedef struct { int job, k0, k1; } WItem;
typedef struct {
  Net* N;
  int B, U, ntiles, next, nitems, njobs;
  const float *obs, *xt, *target, *weight, *ada, *tm;
  const int32_t* tidx;
  float *v, *gada, *gadau, *gh2, *gh1;
  Tile keep;
  WJob* jobs;
  WItem* items;
} GradJob;

static void grad_tiles(void* ctx, int tid, int nt) {
  (void)nt;
  GradJob* j = ctx;
  const Net* N = j->N;
  const long Cp = N->Cp, Hcp = N->Hcp, Ap = N->Ap, A = N->A, sht = (long)N->Ht * Cp;
  Scratch s;
  scratch_layout(N, N->scratch[tid], &s);
  for (int i; (i = next_item(&j->next)) < j->ntiles;) {
    int b0, ns;
    tile_range(N, j->B, i, &b0, &ns);
    const long n0 = (long)b0 * N->H, rows = ns * N->H;
    Tile t = j->keep;
    t.rows = (int)rows; t.ns = ns; t.tidx = j->tidx + n0; t.ada = j->ada;
    t.xin += n0 * N->Kin; t.yf += n0 * Cp; t.gin += n0 * Cp; t.gvk += n0 * Ap; t.gada += n0 * N->AS;
    for (int l = 0; l < N->L; l++) {
      t.y1[l] += n0 * Cp; t.q[l] += n0 * Cp; t.y2[l] += n0 * Cp; t.q2[l] += n0 * Cp;
      t.g2[l] += n0 * Hcp; t.gq2[l] += n0 * Cp; t.gp2[l] += n0 * Hcp; t.gq[l] += n0 * Cp;
      t.gt[l] += b0 * sht; t.gp[l] += b0 * sht;
    }
    tile_forward(N, &s, &t, j->obs + (long)b0 * N->O, j->xt + n0 * A, 1);
    for (long n = 0; n < rows; n++) {
      const float w2 = 2.0f * j->weight[n0 + n];
      for (long a = 0; a < A; a++) {
        const float v = s.v[n * Ap + a];
        j->v[(n0 + n) * A + a] = v;
        s.cot[n * A + a] = w2 * (v - j->target[(n0 + n) * A + a]);
      }
    }
    tile_backward(N, &s, &t, s.cot, NULL);
  }
}
/* gada summed per distinct time, tokens in order; items are 8-column blocks. */
static void grad_ada_sum(void* ctx, int tid, int nt) {
  (void)tid; (void)nt;
  GradJob* j = ctx;
  const long AS = j->N->AS, n = (long)j->B * j->N->H;
  for (int cb; (cb = next_item(&j->next)) < AS / 8;) {
    for (long r = 0; r < n; r++) {
      float* o = j->gadau + (long)j->tidx[r] * AS + cb * 8;
      _mm256_store_ps(o, _mm256_add_ps(_mm256_load_ps(o), _mm256_load_ps(j->gada + r * AS + cb * 8)));
    }
  }
}
/* Per distinct time: gtemb = gadau @ Wall^T, gh2 = gtemb*swish'(h2), gh1 = (gh2 @ W2^T)*swish'(h1). */
static void grad_time_rows(void* ctx, int tid, int nt) {
  (void)tid; (void)nt;
  GradJob* j = ctx;
  const Net* N = j->N;
  const long Cp = N->Cp, ld = 5 * Cp;
  for (int b; (b = next_item(&j->next)) * 8 < j->U;) {
    const int u0 = b * 8, R = j->U - u0 < 8 ? j->U - u0 : 8;
    float* gh2 = j->gh2 + u0 * Cp;
    float* gh1 = j->gh1 + u0 * Cp;
    mm(j->gadau + u0 * N->AS, N->AS, 1, R, N->AS, N->WallT, Cp, Cp, NULL, gh2, Cp);
    for (int r = 0; r < R; r++) swish_back(j->tm + (u0 + r) * ld + 3 * Cp, gh2 + r * Cp, Cp);
    mm(gh2, Cp, 1, R, N->C, N->W2T, Cp, Cp, NULL, gh1, Cp);
    for (int r = 0; r < R; r++) swish_back(j->tm + (u0 + r) * ld + Cp, gh1 + r * Cp, Cp);
  }
}
static void wgrad_item(const Net* N, const WJob* jb, int k0, int k1) {
  const long Cp = N->Cp, H = N->H, Ht = N->Ht;
  if (jb->kind == 0) {
    if (k0 < 0) {
      for (int m = 0; m < jb->Mp; m += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (long r = 0; r < jb->rows; r++) acc = _mm256_add_ps(acc, _mm256_loadu_ps(jb->G + r * jb->ldg + m));
        _mm256_storeu_ps(jb->bias + m, acc);
      }
      return;
    }
    mm(jb->X + k0, 1, jb->ldx, k1 - k0, jb->rows, jb->G, jb->ldg, jb->Mp, NULL, jb->out + (long)k0 * jb->Mp, jb->Mp);
    return;
  }
  /* token mixing: one hidden unit j = k0 per item, H outputs */
  const int l = jb->l, jj = k0;
  __m256 acc[64];
  for (int h = 0; h < H; h++) acc[h] = _mm256_setzero_ps();
  const long sht = Ht * Cp;
  for (long sm = 0; sm < jb->rows; sm++) {
    const float* pj = (jb->kind == 1 ? jb->X : jb->G) + sm * sht + jj * Cp;
    const float* tok = (jb->kind == 1 ? jb->G : jb->X) + sm * H * Cp;
    for (long c = 0; c < Cp; c += 8) {
      const __m256 pv = _mm256_load_ps(pj + c);
      for (int h = 0; h < H; h++) acc[h] = _mm256_fmadd_ps(pv, _mm256_load_ps(tok + h * Cp + c), acc[h]);
    }
  }
  for (int h = 0; h < H; h++) {
    if (jb->kind == 1) jb->out[jj * H + h] = hsum8(acc[h]);
    else jb->out[h * Ht + jj] = hsum8(acc[h]);
  }
  (void)l; (void)k1;
}
static void grad_weights(void* ctx, int tid, int nt) {
  (void)tid; (void)nt;
  GradJob* j = ctx;
  for (int i; (i = next_item(&j->next)) < j->nitems;) {
    const WItem* it = j->items + i;
    wgrad_item(j->N, j->jobs + it->job, it->k0, it->k1);
  }
}
`;
