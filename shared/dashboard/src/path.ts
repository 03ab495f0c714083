// Where the dashboard lives on a host: apart from the routes, so that the host can name the path
// without loading the dashboard (an app without durable functions has none).

export const DASHBOARD_PATH = '/dashboard';
