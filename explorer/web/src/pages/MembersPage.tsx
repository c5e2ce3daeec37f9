// SPDX-License-Identifier: Apache-2.0
import { Link, useParams } from 'react-router-dom';

import type { ChannelMember, ConfigOrdering, MembersAnswer } from '../../../src/http/members-types';
import type { Column } from '../components/Table';
import { Table } from '../components/Table';
import { Fetched, PageTitle } from '../components/ui';
import { useApi } from '../hooks';
import { blockPath } from '../links';
import { useLive } from '../live';
import { orderingNodes, orderingSummary } from '../ordering';

const COLUMNS: Column<ChannelMember>[] = [
  { label: 'Organization', cell: (member) => <strong>{member.name}</strong> },
  { label: 'MSP id', cell: (member) => <code>{member.mspId}</code> },
  {
    label: 'Anchor peers',
    cell: (member) =>
      member.anchorPeers.length > 0
        ? member.anchorPeers.map((anchor) => (
            <div key={`${anchor.host}:${anchor.port}`}>
              <code>
                {anchor.host}:{anchor.port}
              </code>
            </div>
          ))
        : '—',
  },
  {
    label: 'Root CAs',
    cell: (member) => member.rootCertSubjects.map((subject) => <div key={subject}>{subject}</div>),
  },
];

function historyColumns(channel: string): Column<ConfigOrdering>[] {
  return [
    {
      label: 'Config block',
      cell: (entry) => <Link to={blockPath(channel, entry.configBlock)}>{entry.configBlock}</Link>,
    },
    { label: 'Consensus', cell: (entry) => <code>{entry.ordering?.consensusType ?? '—'}</code> },
    { label: 'State', cell: (entry) => entry.ordering?.state ?? '—' },
    {
      label: 'Consenters / brokers',
      cell: (entry) => {
        const nodes = orderingNodes(entry.ordering);
        return nodes.length > 0
          ? nodes.map((node) => (
              <div key={node}>
                <code>{node}</code>
              </div>
            ))
          : '—';
      },
    },
  ];
}

/**
 * The channel's members and their anchor peers, as its newest config block in the mirror sets
 * them, with how it is ordered and how each config block before it had it ordered (a Kafka to Raft
 * migration reads kafka → maintenance → etcdraft there).
 */
export function MembersPage() {
  const channel = useParams().channel ?? '';
  const live = useLive(channel);
  const answer = useApi<MembersAnswer>(
    `/channels/${encodeURIComponent(channel)}/members`,
    live.tick,
  );
  return (
    <>
      <PageTitle title={`Members · ${channel}`}>Members</PageTitle>
      <Fetched result={answer} what="members">
        {(data) =>
          data.configBlock === null ? (
            <p className="muted">No config block of this channel is in the mirror yet.</p>
          ) : (
            <>
              <p className="muted">
                From config block{' '}
                <Link to={blockPath(channel, data.configBlock)}>{data.configBlock}</Link>; ordered
                by {data.ordererOrgs.map((org) => org.mspId).join(', ') || '—'}.
              </p>
              <p data-testid="ordering">
                Ordering: <strong>{orderingSummary(data.ordering)}</strong>
              </p>
              <Table
                caption={`Members of ${channel}`}
                columns={COLUMNS}
                rows={data.members}
                rowKey={(member) => member.mspId}
                testId="members"
              />
              {data.history.length > 0 ? (
                <>
                  <h2>Ordering by config block</h2>
                  <Table
                    caption={`Ordering of ${channel} by config block, newest first`}
                    columns={historyColumns(channel)}
                    rows={data.history}
                    rowKey={(entry) => entry.configBlock}
                    testId="ordering-history"
                  />
                </>
              ) : null}
            </>
          )
        }
      </Fetched>
    </>
  );
}
