// Who may change who gets paged: anyone, until INCIDENT_ADMINS names the people who may.
export const mayConfigureOnCall = (admins: ReadonlySet<string>, userId: string): boolean => admins.size === 0 || admins.has(userId);
