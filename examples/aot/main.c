/* Calls the AOT-compiled loss_grad (examples/aot/model.py) through gradc's plain C ABI.
 *
 *   gradc compile examples/aot/model.py --emit obj,header -o build/model
 *   cc -Ibuild examples/aot/main.c build/model.o -lm -o build/main && build/main
 *
 * Prints `loss v`, `grad_x v...`, `grad_w v...` (%.9g, so float32 values round-trip), then the
 * status of a call with a wrong input shape and of one through the caller-workspace entry. */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

static void print_values(const char *label, const float *v, int64_t n) {
  printf("%s", label);
  for (int64_t i = 0; i < n; i++) printf(" %.9g", v[i]);
  printf("\n");
}

int main(void) {
  float x[GRADC_LOSS_GRAD_INPUT0_SIZE], w[GRADC_LOSS_GRAD_INPUT1_SIZE];
  for (int i = 0; i < GRADC_LOSS_GRAD_INPUT0_SIZE; i++) x[i] = (float)(i % 7) * 0.25f - 0.75f;
  for (int i = 0; i < GRADC_LOSS_GRAD_INPUT1_SIZE; i++) w[i] = (float)(i % 5) * 0.125f - 0.25f;
  float loss, grad_x[GRADC_LOSS_GRAD_OUTPUT1_SIZE], grad_w[GRADC_LOSS_GRAD_OUTPUT2_SIZE];

  gradc_tensor in[GRADC_LOSS_GRAD_NUM_INPUTS] = {
      {x, GRADC_LOSS_GRAD_INPUT0_RANK, gradc_loss_grad_input0_shape, GRADC_FLOAT32},
      {w, GRADC_LOSS_GRAD_INPUT1_RANK, gradc_loss_grad_input1_shape, GRADC_FLOAT32},
  };
  gradc_tensor out[GRADC_LOSS_GRAD_NUM_OUTPUTS] = {
      {&loss, 0, NULL, GRADC_FLOAT32},
      {grad_x, GRADC_LOSS_GRAD_OUTPUT1_RANK, gradc_loss_grad_output1_shape, GRADC_FLOAT32},
      {grad_w, GRADC_LOSS_GRAD_OUTPUT2_RANK, gradc_loss_grad_output2_shape, GRADC_FLOAT32},
  };
  int32_t status = gradc_loss_grad(in, GRADC_LOSS_GRAD_NUM_INPUTS, out, GRADC_LOSS_GRAD_NUM_OUTPUTS);
  if (status != GRADC_OK) {
    fprintf(stderr, "gradc_loss_grad failed with status %d\n", status);
    return 1;
  }
  print_values("loss", &loss, 1);
  print_values("grad_x", grad_x, GRADC_LOSS_GRAD_OUTPUT1_SIZE);
  print_values("grad_w", grad_w, GRADC_LOSS_GRAD_OUTPUT2_SIZE);

  /* A wrong shape is reported, not crashed on: x declared as [3, 4] instead of [4, 3]. */
  static const int64_t wrong[2] = {3, 4};
  gradc_tensor bad[2] = {in[0], in[1]};
  bad[0].shape = wrong;
  printf("bad_shape_status %d\n", gradc_loss_grad(bad, 2, out, GRADC_LOSS_GRAD_NUM_OUTPUTS));

  /* The no-malloc entry: scratch memory from the caller, aligned as the header says. */
  size_t size = GRADC_LOSS_GRAD_WORKSPACE_SIZE ? GRADC_LOSS_GRAD_WORKSPACE_SIZE : GRADC_LOSS_GRAD_WORKSPACE_ALIGN;
  void *ws = aligned_alloc(GRADC_LOSS_GRAD_WORKSPACE_ALIGN, size);
  status = gradc_loss_grad_with_workspace(in, 2, out, GRADC_LOSS_GRAD_NUM_OUTPUTS, ws);
  free(ws);
  printf("workspace_status %d\n", status);
  print_values("loss_again", &loss, 1);
  return 0;
}
