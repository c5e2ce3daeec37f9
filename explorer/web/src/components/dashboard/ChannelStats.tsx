// SPDX-License-Identifier: Apache-2.0
import type { Activity, Overview } from '../../../../src/http/api-types';
import { formatNumber, timeAgo } from '../../format';
import { Stat } from '../ui';

type ChannelSummary = Overview['channels'][number];

/** Transactions per minute over the last five minutes of the window. */
function perMinute(activity: Activity): number {
  const span = Math.max(1, Math.round(300 / activity.bucketSeconds));
  const recent = activity.points.slice(-span);
  const count = recent.reduce((sum, point) => sum + point.valid + point.invalid, 0);
  return count / ((recent.length * activity.bucketSeconds) / 60 || 1);
}

/** Height, transaction counts, recent throughput and how far the mirror lags the peers. */
export function ChannelStats({
  summary,
  activity,
}: {
  summary: ChannelSummary | undefined;
  activity: Activity | undefined;
}) {
  return (
    <dl className="stats" data-testid="channel-stats">
      <Stat
        label="Block height"
        value={summary ? formatNumber(summary.height) : '…'}
        hint={summary?.lastBlockTime ? `newest ${timeAgo(summary.lastBlockTime)}` : undefined}
      />
      <Stat label="Transactions" value={summary ? formatNumber(summary.transactions.total) : '…'} />
      <Stat
        label="Valid / invalid"
        value={
          summary ? (
            <>
              <span className="ok">{formatNumber(summary.transactions.valid)}</span>
              {' / '}
              <span className="bad">{formatNumber(summary.transactions.invalid)}</span>
            </>
          ) : (
            '…'
          )
        }
      />
      <Stat
        label="Tx per minute"
        value={activity ? perMinute(activity).toFixed(1) : '…'}
        hint="last 5 minutes to the newest block"
      />
      <Stat
        label="Mirror lag"
        value={
          summary
            ? summary.lagBlocks !== undefined
              ? `${formatNumber(summary.lagBlocks)} block${summary.lagBlocks === 1 ? '' : 's'}`
              : 'unknown'
            : '…'
        }
        hint={
          summary
            ? summary.peerHeight !== undefined
              ? `peers at ${formatNumber(summary.peerHeight)}, mirrored ${timeAgo(summary.mirroredAt)}`
              : 'no peer reports a height'
            : undefined
        }
      />
    </dl>
  );
}
