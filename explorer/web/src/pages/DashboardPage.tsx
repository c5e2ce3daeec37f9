// SPDX-License-Identifier: Apache-2.0
import { useParams } from 'react-router-dom';

import type { Activity, Overview } from '../../../src/http/api-types';
import { ActivityCharts } from '../components/dashboard/ActivityCharts';
import { ChannelStats } from '../components/dashboard/ChannelStats';
import { LatestBlocks } from '../components/dashboard/LatestBlocks';
import { LatestTransactions } from '../components/dashboard/LatestTransactions';
import { NodesCard } from '../components/dashboard/NodesCard';
import { ErrorNotice, PageTitle } from '../components/ui';
import { useApi } from '../hooks';
import { useLive } from '../live';

/** A channel at a glance: height, counts, throughput, latest blocks and the nodes' health. */
export function DashboardPage() {
  const channel = useParams().channel ?? '';
  const live = useLive(channel);
  const overview = useApi<Overview>('/overview', live.tick);
  const activity = useApi<Activity>(
    `/channels/${encodeURIComponent(channel)}/activity?range=1h`,
    live.tick,
  );
  const summary = overview.data?.channels.find((item) => item.channel === channel);
  const fresh = new Set(live.recent.map((block) => block.number));
  return (
    <>
      <PageTitle title={`Channel ${channel}`}>
        Channel <span className="title-channel">{channel}</span>
      </PageTitle>
      {overview.error ? <ErrorNotice error={overview.error} /> : null}
      <ChannelStats summary={summary} activity={activity.data} />
      <ActivityCharts channel={channel} tick={live.tick} />
      <div className="grid-2">
        <LatestBlocks channel={channel} tick={live.tick} fresh={fresh} />
        <LatestTransactions channel={channel} tick={live.tick} />
      </div>
      <NodesCard channel={channel} />
    </>
  );
}
