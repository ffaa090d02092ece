import type { DenialView } from '../api';
import * as f from '../format';
import { hrefs } from '../router';
import { Link } from './Link';

export function DenialTable({
  denials,
  showTenant = true,
}: {
  denials: DenialView[];
  showTenant?: boolean;
}) {
  return (
    <div className="table-wrap">
    <table className="table compact" data-testid="denials">
      <thead>
        <tr>
          <th>time</th>
          {showTenant && <th>tenant</th>}
          <th>reason</th>
          <th>verdict</th>
          <th className="num">status</th>
          <th className="num">items</th>
          <th className="num">series</th>
          <th>door</th>
          <th>protocol</th>
          <th>message</th>
        </tr>
      </thead>
      <tbody>
        {denials.map((d, i) => (
          <tr key={`${d.time}|${d.tenant}|${i}`} data-reason={d.reason}>
            <td title={d.time}>{new Date(d.time).toLocaleTimeString()}</td>
            {showTenant && (
              <td data-col="tenant">
                <Link href={hrefs.tenant(d.tenant)}>{d.tenant}</Link>
              </td>
            )}
            <td data-col="reason">{d.reason}</td>
            <td>
              <span className={`badge verdict-${d.verdict}`}>{d.verdict}</span>
            </td>
            <td className="num">{d.status}</td>
            <td className="num" data-col="items">
              {f.count(d.items)}
            </td>
            <td className="num">{f.count(d.series)}</td>
            <td>{d.door}</td>
            <td data-col="protocol">{d.protocol ?? '–'}</td>
            <td className="message">{d.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
    </div>
  );
}
