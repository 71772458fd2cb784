// The app runs entirely on the device: tfjs cannot be rendered on the server, and the service worker
// serves the same shell for every page when offline.
export const ssr = false;
export const prerender = false;
