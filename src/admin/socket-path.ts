/** The admin socket's default path lives with the settings (KGC_SUPPORT_ADMIN_SOCKET defaults to it). */
export { adminSocketPath } from '../config/paths.js';
