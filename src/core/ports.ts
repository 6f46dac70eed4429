// The port ranges of the mesh, shared by the port-range rule, the Studio registry sync and import.

/** The MLX team range and the experimental range (8100–8119 serve the team, 8120–8139 are tests). */
export const MLX_TEAM = { from: 8100, to: 8119 } as const;
export const MLX_EXPERIMENTAL = { from: 8120, to: 8139 } as const;

export function isExperimentalPort(port: number): boolean {
  return port >= MLX_EXPERIMENTAL.from && port <= MLX_EXPERIMENTAL.to;
}
