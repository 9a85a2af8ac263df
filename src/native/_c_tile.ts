/**
 * C source, part 3 of the native engine: the forward pass and the
 * input-only backward pass of one tile of samples (all in the thread's
 * scratch, so a tile's activations stay in cache from the input projection
 * to the velocity and back), and the exported calls built on them: forward,
 * VJP with respect to x_t, and a whole Euler flow (plain, training-time
 * prefix, or ΠGDM-guided) per tile with the guidance arithmetic done in
 * double precision exactly as the TypeScript sampler does it.
 *
 * @module
 */

/**
 * Tile forward/backward and the exported `xd_forward`, `xd_vjp`, `xd_flow`.
 *
 * @example
 * ```ts
 * import { C_TILE } from "./_c_tile.ts";
 * import assert from "node:assert/strict";
 * assert.ok(C_TILE.includes("XD_API int32_t xd_flow("));
 * ```
 */
export const C_TILE = String.raw`
/* Where a tile's tensors live: in scratch (aliased across blocks) or, for the
   loss gradient, in the per-call workspace (kept for the weight gradients). */
typedef struct {
  int rows, ns;
  const int32_t* tidx;
  const float* ada;
  float *xin, *yf, *y1[LMAX], *q[LMAX], *gt[LMAX], *y2[LMAX], *g2[LMAX], *q2[LMAX];
  float *gin, *gvk, *gada, *gq2[LMAX], *gp2[LMAX], *gq[LMAX], *gp[LMAX];
} Tile;
static void tile_scratch(const Net* N, const Scratch* s, Tile* t) {
  memset(t, 0, sizeof(Tile));
  t->xin = s->xin; t->yf = s->y;
  for (int l = 0; l < N->L; l++) {
    t->y1[l] = s->y; t->q[l] = s->q; t->gt[l] = s->gt; t->y2[l] = s->y; t->g2[l] = s->g2;
    t->q2[l] = s->q; t->gq2[l] = s->gq; t->gp2[l] = s->gp; t->gq[l] = s->gq; t->gp[l] = s->gp;
  }
}
static void mul_inplace(float* a, const float* b, long n) {
  for (long i = 0; i < n; i += 8)
    _mm256_store_ps(a + i, _mm256_mul_ps(_mm256_load_ps(a + i), _mm256_load_ps(b + i)));
}
/* Token mixing of one sample, 8 channels at a time with everything in
   registers: p_j = sum_h Wti[h,j] y_h (h in order), g_j = gelu(p_j),
   q_h = sum_j Wto[j,h] g_j (j in order) -- the same FMA chains as the
   unfused products. dgt (gelu') and gt (gelu) [Ht, Cp] are stored when given. */
INL void tokmix_fwd_body(const int HH, int Hrt, const float* y, long Cp, const float* wti,
                         const float* wto, int Ht, float* q, float* dgt, float* gt) {
  const int H = HH > 0 ? HH : Hrt;
  for (long c = 0; c < Cp; c += 8) {
    __m256 yv[HH > 0 ? HH : 64], qv[HH > 0 ? HH : 64];
#pragma GCC unroll 8
    for (int h = 0; h < H; h++) {
      yv[h] = _mm256_load_ps(y + h * Cp + c);
      qv[h] = _mm256_setzero_ps();
    }
    int j = 0;
    for (; j + 4 <= Ht; j += 4) { /* four hidden units at once: their GELUs overlap */
      __m256 p[4], g[4], d[4];
#pragma GCC unroll 4
      for (int i = 0; i < 4; i++) {
        p[i] = _mm256_setzero_ps();
#pragma GCC unroll 8
        for (int h = 0; h < H; h++) p[i] = _mm256_fmadd_ps(_mm256_broadcast_ss(wti + h * Ht + j + i), yv[h], p[i]);
      }
      gelu4(p, g, dgt ? d : NULL);
#pragma GCC unroll 4
      for (int i = 0; i < 4; i++) {
        if (dgt) _mm256_store_ps(dgt + (j + i) * Cp + c, d[i]);
        if (gt) _mm256_store_ps(gt + (j + i) * Cp + c, g[i]);
#pragma GCC unroll 8
        for (int h = 0; h < H; h++) qv[h] = _mm256_fmadd_ps(_mm256_broadcast_ss(wto + (j + i) * H + h), g[i], qv[h]);
      }
    }
    for (; j < Ht; j++) {
      __m256 p = _mm256_setzero_ps(), d;
#pragma GCC unroll 8
      for (int h = 0; h < H; h++) p = _mm256_fmadd_ps(_mm256_broadcast_ss(wti + h * Ht + j), yv[h], p);
      const __m256 g = gelu1(p, dgt ? &d : NULL);
      if (dgt) _mm256_store_ps(dgt + j * Cp + c, d);
      if (gt) _mm256_store_ps(gt + j * Cp + c, g);
#pragma GCC unroll 8
      for (int h = 0; h < H; h++) qv[h] = _mm256_fmadd_ps(_mm256_broadcast_ss(wto + j * H + h), g, qv[h]);
    }
#pragma GCC unroll 8
    for (int h = 0; h < H; h++) _mm256_store_ps(q + h * Cp + c, qv[h]);
  }
}
static void tokmix_fwd(int H, const float* y, long Cp, const float* wti, const float* wto, int Ht,
                       float* q, float* dgt, float* gt) {
  switch (H) {
    case 4: tokmix_fwd_body(4, 4, y, Cp, wti, wto, Ht, q, dgt, gt); return;
    case 8: tokmix_fwd_body(8, 8, y, Cp, wti, wto, Ht, q, dgt, gt); return;
    default: tokmix_fwd_body(0, H, y, Cp, wti, wto, Ht, q, dgt, gt); return;
  }
}
/* Backward of tokmix_fwd: gp_j = (sum_h Wto[j,h] gq_h) * gelu'_j, gz_h = sum_j
   Wti[h,j] gp_j (same chains as the unfused products); gp stored when given. */
INL void tokmix_bwd_body(const int HH, int Hrt, const float* gq, long Cp, const float* wti,
                         const float* wto, int Ht, const float* dgt, float* gz, float* gp) {
  const int H = HH > 0 ? HH : Hrt;
  for (long c = 0; c < Cp; c += 8) {
    __m256 gqv[HH > 0 ? HH : 64], gzv[HH > 0 ? HH : 64];
#pragma GCC unroll 8
    for (int h = 0; h < H; h++) {
      gqv[h] = _mm256_load_ps(gq + h * Cp + c);
      gzv[h] = _mm256_setzero_ps();
    }
    for (int j = 0; j < Ht; j++) {
      __m256 p = _mm256_setzero_ps();
#pragma GCC unroll 8
      for (int h = 0; h < H; h++) p = _mm256_fmadd_ps(_mm256_broadcast_ss(wto + j * H + h), gqv[h], p);
      p = _mm256_mul_ps(p, _mm256_load_ps(dgt + j * Cp + c));
      if (gp) _mm256_store_ps(gp + j * Cp + c, p);
#pragma GCC unroll 8
      for (int h = 0; h < H; h++) gzv[h] = _mm256_fmadd_ps(_mm256_broadcast_ss(wti + h * Ht + j), p, gzv[h]);
    }
#pragma GCC unroll 8
    for (int h = 0; h < H; h++) _mm256_store_ps(gz + h * Cp + c, gzv[h]);
  }
}
static void tokmix_bwd(int H, const float* gq, long Cp, const float* wti, const float* wto, int Ht,
                       const float* dgt, float* gz, float* gp) {
  switch (H) {
    case 4: tokmix_bwd_body(4, 4, gq, Cp, wti, wto, Ht, dgt, gz, gp); return;
    case 8: tokmix_bwd_body(8, 8, gq, Cp, wti, wto, Ht, dgt, gz, gp); return;
    default: tokmix_bwd_body(0, H, gq, Cp, wti, wto, Ht, dgt, gz, gp); return;
  }
}
/* Forward of rows = ns*H tokens; velocity to s->v [rows, Ap]. With tape, keeps
   what the backward needs (xh, rstd, gelu'). */
static void tile_forward(const Net* N, Scratch* s, Tile* t, const float* obs, const float* xt, int tape) {
  const long Cp = N->Cp, Hcp = N->Hcp, Ap = N->Ap, Kin = N->Kin, AS = N->AS, H = N->H, Ht = N->Ht;
  const int rows = t->rows;
  const int32_t* ti = t->tidx;
  for (int n = 0; n < rows; n++) {
    memcpy(t->xin + n * Kin, xt + (long)n * N->A, sizeof(float) * N->A);
    memcpy(t->xin + n * Kin + N->A, obs + (long)(n / H) * N->O, sizeof(float) * N->O);
  }
  mm(t->xin, Kin, 1, rows, Kin, N->Win, Cp, Cp, N->bin, s->x, Cp);
  for (int l = 0; l < N->L; l++) {
    const long a1 = (long)l * 6 * Cp, a2 = a1 + 3 * Cp;
    /* token mixing */
    ln_mod(&N->ln, s->x, rows, t->ada, AS, ti, a1, s->xh1[l], s->rs1[l], t->y1[l]);
    for (int m = 0; m < t->ns; m++) {
      tokmix_fwd((int)H, t->y1[l] + m * H * Cp, Cp, N->Wti[l], N->Wto[l], (int)Ht, t->q[l] + m * H * Cp,
                 tape ? s->dgt[l] + m * Ht * Cp : NULL, t->gin ? t->gt[l] + m * Ht * Cp : NULL);
    }
    resid_gate(s->x, t->q[l], rows, Cp, t->ada, AS, ti, a1 + 2 * Cp);
    /* channel mixing */
    ln_mod(&N->ln, s->x, rows, t->ada, AS, ti, a2, s->xh2[l], s->rs2[l], t->y2[l]);
    mm(t->y2[l], Cp, 1, rows, N->C, N->Wci[l], Hcp, Hcp, NULL, t->g2[l], Hcp);
    gelu_inplace(t->g2[l], tape ? s->dg2[l] : NULL, rows * Hcp);
    mm(t->g2[l], Hcp, 1, rows, N->Hc, N->Wco[l], Cp, Cp, NULL, t->q2[l], Cp);
    resid_gate(s->x, t->q2[l], rows, Cp, t->ada, AS, ti, a2 + 2 * Cp);
  }
  ln_mod(&N->ln, s->x, rows, t->ada, AS, ti, (long)N->L * 6 * Cp, s->xhf, s->rsf, t->yf);
  mm(t->yf, Cp, 1, rows, N->C, N->Wout, Ap, Ap, N->bout, s->v, Ap);
}
/* Backward of a taped tile_forward from cot [rows, A]: gradxt [rows, A] when
   given; with t->gada etc. also what the weight gradients need. */
static void tile_backward(const Net* N, Scratch* s, Tile* t, const float* cot, float* gradxt) {
  const long Cp = N->Cp, Hcp = N->Hcp, Ap = N->Ap, AS = N->AS, H = N->H, Ht = N->Ht;
  const int rows = t->rows;
  const int32_t* ti = t->tidx;
  for (int n = 0; n < rows; n++) {
    memset(s->gv + n * Ap, 0, sizeof(float) * Ap);
    memcpy(s->gv + n * Ap, cot + (long)n * N->A, sizeof(float) * N->A);
  }
  if (t->gvk) memcpy(t->gvk, s->gv, sizeof(float) * rows * Ap);
  mm(s->gv, Ap, 1, rows, N->A, N->WoutT, Cp, Cp, NULL, s->gy, Cp);
  memset(s->gx, 0, sizeof(float) * rows * Cp);
  ln_back(&N->ln, s->gy, s->xhf, s->rsf, rows, t->ada, AS, ti, (long)N->L * 6 * Cp, s->gx, t->gada, s->tmp);
  for (int l = N->L - 1; l >= 0; l--) {
    const long a1 = (long)l * 6 * Cp, a2 = a1 + 3 * Cp;
    /* channel mixing */
    gate_back(s->gx, t->q2[l], rows, Cp, t->ada, AS, ti, a2 + 2 * Cp, t->gq2[l], t->gada);
    mm(t->gq2[l], Cp, 1, rows, N->C, N->WcoT[l], Hcp, Hcp, NULL, t->gp2[l], Hcp);
    mul_inplace(t->gp2[l], s->dg2[l], rows * Hcp);
    mm(t->gp2[l], Hcp, 1, rows, N->Hc, N->WciT[l], Cp, Cp, NULL, s->gz, Cp);
    ln_back(&N->ln, s->gz, s->xh2[l], s->rs2[l], rows, t->ada, AS, ti, a2, s->gx, t->gada, s->tmp);
    /* token mixing */
    gate_back(s->gx, t->q[l], rows, Cp, t->ada, AS, ti, a1 + 2 * Cp, t->gq[l], t->gada);
    for (int m = 0; m < t->ns; m++) {
      tokmix_bwd((int)H, t->gq[l] + m * H * Cp, Cp, N->Wti[l], N->Wto[l], (int)Ht, s->dgt[l] + m * Ht * Cp,
                 s->gz + m * H * Cp, t->gin ? t->gp[l] + m * Ht * Cp : NULL);
    }
    ln_back(&N->ln, s->gz, s->xh1[l], s->rs1[l], rows, t->ada, AS, ti, a1, s->gx, t->gada, s->tmp);
  }
  if (t->gin) memcpy(t->gin, s->gx, sizeof(float) * rows * Cp);
  if (gradxt) {
    mm(s->gx, Cp, 1, rows, N->C, N->WinTA, Ap, Ap, NULL, s->gy, Ap);
    for (int n = 0; n < rows; n++) memcpy(gradxt + (long)n * N->A, s->gy + n * Ap, sizeof(float) * N->A);
  }
}

typedef struct {
  Net* N;
  int B, ntiles, next, steps;
  const float *obs, *xt, *cot, *ada, *y, *w;
  const int32_t *tidx, *delay;
  const double* gw;
  float *v, *gradxt, *x;
} CallJob;
static void tile_range(const Net* N, int B, int i, int* b0, int* ns) {
  *b0 = i * N->S;
  *ns = B - *b0 < N->S ? B - *b0 : N->S;
}
static void fv_task(void* ctx, int tid, int nt) {
  (void)nt;
  CallJob* j = ctx;
  const Net* N = j->N;
  Scratch s;
  Tile t;
  scratch_layout(N, N->scratch[tid], &s);
  tile_scratch(N, &s, &t);
  for (int i; (i = next_item(&j->next)) < j->ntiles;) {
    int b0, ns;
    tile_range(N, j->B, i, &b0, &ns);
    const long n0 = (long)b0 * N->H;
    t.rows = ns * N->H; t.ns = ns; t.tidx = j->tidx + n0; t.ada = j->ada;
    tile_forward(N, &s, &t, j->obs + (long)b0 * N->O, j->xt + n0 * N->A, j->cot != NULL);
    for (int n = 0; n < t.rows; n++) memcpy(j->v + (n0 + n) * N->A, s.v + n * N->Ap, sizeof(float) * N->A);
    if (j->cot) tile_backward(N, &s, &t, j->cot + n0 * N->A, j->gradxt + n0 * N->A);
  }
}
/* Time conditioning of the call's distinct times into the workspace: returns
   the ada rows (and tm rows at *tm), or NULL when out of memory. */
static float* call_time(Net* N, const float* time, long n, int32_t** tidx, float** tm, int* Uo) {
  int cap = 16;
  while (cap < 2 * n) cap *= 2;
  const long head = rup8(n) * 2 + cap;
  float* w = ws_get(N, head, 0);
  if (!w) return NULL;
  *tidx = (int32_t*)w;
  float* tv = w + rup8(n);
  int U = distinct_times(time, (int)n, tv, *tidx, (int32_t*)(w + 2 * rup8(n)), cap);
  const long need = head + (long)U * (5 * N->Cp + N->AS) + 64;
  *Uo = U;
  w = ws_get(N, need, head);
  if (!w) return NULL;
  *tidx = (int32_t*)w;
  tv = w + rup8(n);
  *tm = w + head;
  float* ada = *tm + rup8((long)U * 5 * N->Cp);
  time_cond(N, tv, U, *tm, ada);
  return ada;
}
static int32_t forward_or_vjp(Net* N, int32_t B, const float* obs, const float* xt, const float* time,
                              const float* cot, float* v, float* gradxt) {
  pthread_mutex_lock(&N->mu);
  int32_t* tidx;
  float* tm;
  int U;
  const float* ada = call_time(N, time, (long)B * N->H, &tidx, &tm, &U);
  if (!ada) { pthread_mutex_unlock(&N->mu); return 1; }
  CallJob j = { .N = N, .B = B, .ntiles = (B + N->S - 1) / N->S, .obs = obs, .xt = xt, .cot = cot,
                .ada = ada, .tidx = tidx, .v = v, .gradxt = gradxt };
  run_parallel(fv_task, &j, N->nt < j.ntiles ? N->nt : j.ntiles);
  pthread_mutex_unlock(&N->mu);
  return 0;
}
/* v = f(obs, xt, time), [B, H, A]. Returns 0, or 1 when out of memory. */
XD_API int32_t xd_forward(Net* N, int32_t B, const float* obs, const float* xt, const float* time, float* v) {
  return forward_or_vjp(N, B, obs, xt, time, NULL, v, NULL);
}
/* v and gradxt = J_f(xt)^T cot. Returns 0, or 1 when out of memory. */
XD_API int32_t xd_vjp(Net* N, int32_t B, const float* obs, const float* xt, const float* time,
                      const float* cot, float* v, float* gradxt) {
  return forward_or_vjp(N, B, obs, xt, time, cot, v, gradxt);
}

/* ---- the Euler flow of a whole chunk, tile by tile ---- */
static void prefix_apply(const Net* N, float* x, const float* y, const int32_t* delay, int b0, int ns) {
  const long ha = (long)N->H * N->A;
  for (int m = 0; m < ns; m++) {
    const long r = b0 + m;
    memcpy(x + r * ha, y + r * ha, sizeof(float) * delay[r] * N->A);
  }
}
static void flow_task(void* ctx, int tid, int nt) {
  (void)nt;
  CallJob* j = ctx;
  const Net* N = j->N;
  Scratch s;
  Tile t;
  scratch_layout(N, N->scratch[tid], &s);
  tile_scratch(N, &s, &t);
  const long A = N->A, Ap = N->Ap, H = N->H;
  const double dt = 1.0 / (double)j->steps;
  for (int i; (i = next_item(&j->next)) < j->ntiles;) {
    int b0, ns;
    tile_range(N, j->B, i, &b0, &ns);
    const long n0 = (long)b0 * H, rows = ns * H;
    float* x = j->x + n0 * A;
    t.rows = (int)rows; t.ns = ns; t.tidx = s.tidx; t.ada = j->ada;
    for (int k = 0; k < j->steps; k++) {
      const double tk = (double)k * dt;
      for (long n = 0; n < rows; n++) s.tidx[n] = k;
      if (j->delay) {
        prefix_apply(N, j->x, j->y, j->delay, b0, ns);
        for (long n = 0; n < rows; n++)
          if (n % H < j->delay[b0 + n / H]) s.tidx[n] = j->steps;
      }
      tile_forward(N, &s, &t, j->obs + (long)b0 * N->O, x, j->w != NULL);
      if (!j->w) {
        for (long n = 0; n < rows; n++)
          for (long a = 0; a < A; a++)
            x[n * A + a] = (float)((double)x[n * A + a] + dt * (double)s.v[n * Ap + a]);
        continue;
      }
      const float* y = j->y + n0 * A;
      for (long n = 0; n < rows; n++) {
        const double wn = (double)j->w[n0 + n];
        for (long a = 0; a < A; a++) {
          const double den = (double)x[n * A + a] + (double)s.v[n * Ap + a] * (1.0 - tk);
          s.cot[n * A + a] = (float)(((double)y[n * A + a] - den) * wn);
        }
      }
      tile_backward(N, &s, &t, s.cot, s.gxt);
      const double gw = j->gw[k];
      for (long n = 0; n < rows; n++)
        for (long a = 0; a < A; a++) {
          const long i2 = n * A + a;
          const double g = (double)s.cot[i2] + (1.0 - tk) * (double)s.gxt[i2];
          x[i2] = (float)((double)x[i2] + dt * ((double)s.v[n * Ap + a] + gw * g));
        }
    }
    if (j->delay) prefix_apply(N, j->x, j->y, j->delay, b0, ns);
  }
}
/* Euler flow of R rows from noise x (updated in place) over steps steps, t = k/steps.
   delay != NULL: training-time prefix (x_i = y_i and time 1 for i < delay[r]).
   w != NULL: guided (realtime) with prefix weights w [R, H] and per-step
   guidance weights gw[steps]. Returns 0, or 1 when out of memory. */
XD_API int32_t xd_flow(Net* N, int32_t R, const float* obs, float* x, int32_t steps, const float* y,
                       const int32_t* delay, const float* w, const double* gw) {
  pthread_mutex_lock(&N->mu);
  const int U = steps + 1;
  float* ws = ws_get(N, 8 + (long)U * (5 * N->Cp + N->AS) + 64, 0);
  if (!ws) { pthread_mutex_unlock(&N->mu); return 1; }
  float* tv = ws;
  float* tm = ws + 8 + rup8(U);
  float* ada = tm + rup8((long)U * 5 * N->Cp);
  const double dt = 1.0 / (double)steps;
  for (int k = 0; k < steps; k++) tv[k] = (float)((double)k * dt);
  tv[steps] = 1.0f;
  time_cond(N, tv, U, tm, ada);
  CallJob j = { .N = N, .B = R, .ntiles = (R + N->S - 1) / N->S, .steps = steps, .obs = obs,
                .ada = ada, .y = y, .w = w, .delay = delay, .gw = gw, .x = x };
  run_parallel(flow_task, &j, N->nt < j.ntiles ? N->nt : j.ntiles);
  pthread_mutex_unlock(&N->mu);
  return 0;
}
`;
