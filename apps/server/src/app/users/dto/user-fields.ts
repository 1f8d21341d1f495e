/** The rules of a user's fields, shared by the DTOs and the start-up admin (`ONWARD_BOOTSTRAP_ADMIN`). */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]{1,100}$/;
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 200;
export const DISPLAY_NAME_MAX_LENGTH = 200;
export const ROLES = ['user', 'admin'] as const;
