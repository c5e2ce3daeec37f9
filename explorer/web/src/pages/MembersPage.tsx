// SPDX-License-Identifier: Apache-2.0
import { Link, useParams } from 'react-router-dom';

import type { ChannelMember, MembersAnswer } from '../../../src/http/members-types';
import type { Column } from '../components/Table';
import { Table } from '../components/Table';
import { Fetched, PageTitle } from '../components/ui';
import { useApi } from '../hooks';
import { blockPath } from '../links';
import { useLive } from '../live';

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

/** The channel's members and their anchor peers, as its newest config block in the mirror sets them. */
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
              <Table
                caption={`Members of ${channel}`}
                columns={COLUMNS}
                rows={data.members}
                rowKey={(member) => member.mspId}
                testId="members"
              />
            </>
          )
        }
      </Fetched>
    </>
  );
}
