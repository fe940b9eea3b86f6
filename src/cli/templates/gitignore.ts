/** The scaffold's `.gitignore`. */
export const GITIGNORE = `sessions/
node_modules/
`;
