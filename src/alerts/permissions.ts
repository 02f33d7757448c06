// Who may add alert sources and rotate their tokens: anyone, until INCIDENT_ADMINS names the people who may (as for on-call).
export const mayConfigureAlerts = (admins: ReadonlySet<string>, userId: string): boolean => admins.size === 0 || admins.has(userId);
