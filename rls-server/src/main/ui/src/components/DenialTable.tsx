import { Fragment, useRef, useState, type MouseEvent } from 'react';
import type { DenialView } from '../api';
import * as f from '../format';
import { mimirErrorId, runbookUrl } from '../mimirErrors';
import { hrefs } from '../router';
import { Link } from './Link';

/**
 * One line per denial (what was denied, why, Mimir's error id); Mimir's full message, and what it
 * would not have counted, open under the row on demand. Open rows stay open while the list
 * refreshes: a row is known by its denial, not by its place.
 */
export function DenialTable({
  denials,
  showTenant = true,
}: {
  denials: DenialView[];
  showTenant?: boolean;
}) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (key: string) =>
    setOpen((o) => {
      const next = new Set(o);
      if (!next.delete(key)) next.add(key);
      return next;
    });
  const columns = showTenant ? 11 : 10;
  return (
    <div className="table-wrap">
      <table className="table compact denials" data-testid="denials">
        <thead>
          <tr>
            <th>
              <span className="visually-hidden">message</span>
            </th>
            <th>time</th>
            {showTenant && <th>tenant</th>}
            <th>reason</th>
            <th>Mimir error</th>
            <th>verdict</th>
            <th className="num">status</th>
            <th className="num">items</th>
            <th className="num">series</th>
            <th>door</th>
            <th>protocol</th>
          </tr>
        </thead>
        <tbody>
          {keyed(denials).map(([key, d]) => {
            const isOpen = open.has(key);
            const id = mimirErrorId(d.message);
            const detailId = `denial-${key}`;
            return (
              <Fragment key={key}>
                <tr
                  className={isOpen ? 'denial open' : 'denial'}
                  data-reason={d.reason}
                  onClick={(e) => clickedRow(e) && toggle(key)}
                >
                  <td className="disclosure">
                    <button
                      type="button"
                      className="disclosure"
                      aria-expanded={isOpen}
                      aria-controls={isOpen ? detailId : undefined}
                      aria-label={`Message of the ${d.reason} denial at ${d.time}`}
                      onClick={() => toggle(key)}
                    >
                      {isOpen ? '▾' : '▸'}
                    </button>
                  </td>
                  <td data-col="time" title={d.time}>
                    {new Date(d.time).toLocaleTimeString()}
                  </td>
                  {showTenant && (
                    <td data-col="tenant">
                      <Link href={hrefs.tenant(d.tenant)}>{d.tenant}</Link>
                    </td>
                  )}
                  <td data-col="reason">{d.reason}</td>
                  <td data-col="mimir-id" title={d.message}>
                    {id ? <code>{id}</code> : <span className="muted">–</span>}
                  </td>
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
                </tr>
                {isOpen && (
                  <tr className="denial-detail" id={detailId}>
                    <td colSpan={columns}>
                      <Detail d={d} id={id} />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Keys that follow each denial through refreshes; denials alike in every key field get #2, #3. */
function keyed(denials: DenialView[]): [string, DenialView][] {
  const seen = new Map<string, number>();
  return denials.map((d) => {
    const base = `${d.time}|${d.tenant}|${d.door}|${d.reason}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return [n === 1 ? base : `${base}#${n}`, d];
  });
}

/** A click on the row itself: not on its link or button, and not the end of selecting text. */
function clickedRow(e: MouseEvent): boolean {
  const target = e.target as HTMLElement;
  return !target.closest('a, button') && !window.getSelection()?.toString();
}

function Detail({ d, id }: { d: DenialView; id: string | null }) {
  const message = useRef<HTMLParagraphElement>(null);
  const [copied, setCopied] = useState<string>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(d.message);
      setCopied('Copied.');
    } catch {
      // no clipboard (plain HTTP off localhost, or refused): select it for Ctrl+C instead
      if (message.current) window.getSelection()?.selectAllChildren(message.current);
      setCopied('Selected: press Ctrl+C to copy.');
    }
  };
  const notCounted = Object.entries(d.notCounted).filter(([, n]) => n > 0);
  return (
    <div className="denial-detail-body">
      <p className="denial-message" data-testid="denial-message" ref={message}>
        {d.message}
      </p>
      <div className="denial-facts">
        <button type="button" className="secondary" onClick={() => void copy()}>
          Copy message
        </button>
        <span role="status">{copied}</span>
        {id && (
          <a href={runbookUrl(id)} target="_blank" rel="noreferrer">
            Mimir runbook for {id}
          </a>
        )}
        <span>at {d.time}</span>
        {d.retryAfterSeconds !== null && <span>Retry-After {d.retryAfterSeconds} s</span>}
        {notCounted.length > 0 && (
          <span data-testid="not-counted">
            Mimir would not have counted:{' '}
            {notCounted.map(([why, n]) => `${f.count(n)} ${why}`).join(', ')}
          </span>
        )}
      </div>
    </div>
  );
}
