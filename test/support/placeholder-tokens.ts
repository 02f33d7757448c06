// Placeholder Slack tokens for tests that only need the shape config validation checks (xoxb-…, xapp-…). Built
// from parts so no tracked file holds a string shaped like a real Slack token; real ones live only in the
// environment.
export const placeholderBotToken = (name: string): string => ["xoxb", name].join("-");
export const placeholderAppToken = (name: string): string => ["xapp", name].join("-");
