import type { ReactNode } from 'react';

/** One big number with its label; `testId` lets the e2e test find it. */
export function Stat({
  label,
  value,
  testId,
  tone,
  sub,
}: {
  label: string;
  value: string;
  testId: string;
  tone?: 'ok' | 'warn' | 'bad';
  sub?: ReactNode;
}) {
  return (
    <div className={`stat ${tone ?? ''}`}>
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={testId}>
        {value}
      </div>
      {sub && <div className="stat-sub">{sub}</div>}
    </div>
  );
}
