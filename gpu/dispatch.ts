/**
 * Recorded compute dispatches and how they reach the queue: a run encodes all of its
 * dispatches into one compute pass of one command buffer (WebGPU orders the dispatches of a
 * pass and makes each one's writes visible to the next), then appends its readback copies, and
 * submits once. Also the grid arithmetic shared by kernels: flat work over more than 65,535
 * workgroups folds into a second grid dimension (see `flatMain` in `kernels/kernel.ts`).
 */

/** A ready-to-encode dispatch: everything bound, nothing left to compute at run time. */
export interface Dispatch {
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly workgroups: readonly [number, number, number];
}

const GRID_DIMENSION_MAX = 65535;

/** Workgroup counts covering `count` items of `perWorkgroup` each, folded into x and y. */
export function flatGrid(count: number, perWorkgroup: number): [number, number, number] {
  const groups = Math.max(1, Math.ceil(count / perWorkgroup));
  if (groups <= GRID_DIMENSION_MAX) return [groups, 1, 1];
  const y = Math.ceil(groups / GRID_DIMENSION_MAX);
  return [Math.ceil(groups / y), y, 1];
}

/** Encodes `dispatches` into one compute pass of `encoder`. */
export function encodeDispatches(
  encoder: GPUCommandEncoder,
  dispatches: readonly Dispatch[],
  label: string,
): void {
  if (dispatches.length === 0) return;
  const pass = encoder.beginComputePass({ label });
  for (const { pipeline, bindGroup, workgroups } of dispatches) {
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
  }
  pass.end();
}
