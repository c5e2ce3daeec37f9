// SPDX-License-Identifier: Apache-2.0
import { orderingDashboard, overviewDashboard, peersDashboard } from './fabric';
import type { DashboardSpec } from './grafana';
import { appApiDashboard, dappDashboard, datasyncDashboard } from './services';

export type { DashboardSpec } from './grafana';
export { dashboard, dashboardQueries } from './grafana';

/** The dashboards Consortia ships, by the file name each is written to. */
export const DASHBOARDS: readonly DashboardSpec[] = [
  overviewDashboard,
  peersDashboard,
  orderingDashboard,
  dappDashboard,
  datasyncDashboard,
  appApiDashboard,
];
