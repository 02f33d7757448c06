// Every callback_id, action_id and block_id the bot uses, defined once.
export const Views = {
  declare: "declare_incident",
} as const;

export const DeclareBlocks = {
  title: "title",
  severity: "severity",
  description: "description",
  services: "services",
  commander: "commander",
} as const;

/** Each input block holds one element; its action_id is the block_id with "_input". */
export const inputAction = (blockId: string): string => `${blockId}_input`;

export const WarRoomActions = {
  acknowledge: "incident_acknowledge",
  updateStatus: "incident_update_status",
  assignRoles: "incident_assign_roles",
  postUpdate: "incident_post_update",
  resolve: "incident_resolve",
} as const;

export type WarRoomAction = (typeof WarRoomActions)[keyof typeof WarRoomActions];
