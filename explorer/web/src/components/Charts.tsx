// SPDX-License-Identifier: Apache-2.0
// Loaded on its own (React.lazy): the charting library is the largest part of the front end.
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

import type { ThroughputPoint } from '../../../src/http/api-types';
import { formatNumber } from '../format';

const VALID = '#15803d';
const INVALID = '#c2410c';

function timeLabel(iso: string, bucketSeconds: number): string {
  const date = new Date(iso);
  if (bucketSeconds >= 3600) {
    return date.toLocaleString('en-GB', { month: 'short', day: 'numeric', hour: '2-digit' });
  }
  return date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function ThroughputChart({
  points,
  bucketSeconds,
}: {
  points: ThroughputPoint[];
  bucketSeconds: number;
}) {
  const data = points.map((point) => ({ ...point, label: timeLabel(point.time, bucketSeconds) }));
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={240}>
        <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
          <XAxis dataKey="label" minTickGap={24} tick={{ fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(value) => formatNumber(Number(value))} />
          <Legend wrapperStyle={{ fontSize: 13 }} />
          <Area
            type="monotone"
            dataKey="valid"
            name="valid"
            stackId="tx"
            stroke={VALID}
            fill={VALID}
            fillOpacity={0.35}
            isAnimationActive={false}
          />
          <Area
            type="monotone"
            dataKey="invalid"
            name="invalid"
            stackId="tx"
            stroke={INVALID}
            fill={INVALID}
            fillOpacity={0.45}
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

export function CountBars({ data }: { data: { name: string; valid: number; invalid: number }[] }) {
  const height = Math.max(120, data.length * 34 + 48);
  return (
    <div className="chart" aria-hidden="true">
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" horizontal={false} />
          <XAxis type="number" allowDecimals={false} tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="name" width={110} tick={{ fontSize: 12 }} />
          <Tooltip formatter={(value) => formatNumber(Number(value))} />
          <Legend wrapperStyle={{ fontSize: 13 }} />
          <Bar dataKey="valid" stackId="tx" fill={VALID} isAnimationActive={false} />
          <Bar dataKey="invalid" stackId="tx" fill={INVALID} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
