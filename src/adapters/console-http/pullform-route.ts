// /pullform: the vendor example's form (`_dst`, `_pld`, `_cmd`) for operators following the vendor's
// guide, now behind login and CSRF, queueing through the same code path as the API and the CLI.

import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuditLog } from '../../domain/audit-log.js';
import type { MessageQueue } from '../../domain/message-queue.js';
import { parseMessageJson } from '../../domain/message-request.js';
import type { OperatorAuth, OperatorSession } from '../../domain/operator-auth.js';
import { OpenTpsError } from '../../errors.js';
import { splitEncodedParams, decodeFormComponent } from '../../protocol/form-encoding.js';
import { SESSION_COOKIE, readCookie } from '../admin-api/admin-auth.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function page(session: OperatorSession, notice: string, values: { dst: string; pld: string; cmd: string }): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>OpenTPS - pull form</title>
<body style="font-family:sans-serif;max-width:40em;margin:2em auto">
<h1>Queue a message</h1>
<p>Signed in as ${escapeHtml(session.operatorName)}. The full console is at <a href="/console/">/console/</a>.</p>
${notice}
<form method="post" action="/pullform">
<input type="hidden" name="csrf" value="${escapeHtml(session.csrfToken)}">
<p><label>_dst <input name="_dst" size="60" value="${escapeHtml(values.dst)}" placeholder='["1122334455667788","0002010203040506"]'></label></p>
<p><label>_pld <input name="_pld" size="60" value="${escapeHtml(values.pld)}" placeholder='{"cmd":{"relay":1}}'></label></p>
<p><label>_cmd <input name="_cmd" size="4" value="${escapeHtml(values.cmd)}" placeholder="wr"></label></p>
<p><button type="submit">Submit</button></p>
</form></body></html>`;
}

export function registerPullformRoute(app: FastifyInstance, deps: { auth: OperatorAuth; queue: MessageQueue; audit: AuditLog }): void {
  const sessionOf = async (request: FastifyRequest): Promise<OperatorSession | null> => {
    const id = readCookie(request, SESSION_COOKIE);
    return id ? deps.auth.resolveSession(id) : null;
  };
  const html = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).header('content-type', 'text/html; charset=utf-8').header('x-frame-options', 'DENY').send(body);

  app.get('/pullform', async (request, reply) => {
    const session = await sessionOf(request);
    if (!session) return reply.redirect('/console/#/login', 302);
    return html(reply, 200, page(session, '', { dst: '', pld: '', cmd: 'wr' }));
  });

  app.post('/pullform', async (request, reply) => {
    const session = await sessionOf(request);
    if (!session) return reply.redirect('/console/#/login', 303);
    const fields = splitEncodedParams(request.rawBodyText);
    const field = (name: string): string => decodeFormComponent(fields.get(name)?.[0] ?? '', true);
    const values = { dst: field('_dst'), pld: field('_pld'), cmd: field('_cmd') };
    if (field('csrf') !== session.csrfToken) return html(reply, 403, page(session, '<p role="alert">The form expired; submit it again.</p>', values));
    try {
      const message = await deps.queue.queueMessage({ destination: parseMessageJson('_dst', values.dst), cmd: values.cmd, payload: parseMessageJson('_pld', values.pld) });
      await deps.audit.record(session.operatorName, 'message.queue', message.cwmId, { messageId: message.id, via: 'pullform' });
      return html(reply, 200, page(session, `<p role="status">Queued message ${message.id} (_id ${message.okmId}) for ${escapeHtml(message.cwmId)}. It is delivered the next time the CWM pushes.</p>`, { dst: '', pld: '', cmd: 'wr' }));
    } catch (error) {
      if (!(error instanceof OpenTpsError) || error.status >= 500) throw error;
      return html(reply, error.status, page(session, `<p role="alert">${escapeHtml(error.code)}: ${escapeHtml(error.message)}</p>`, values));
    }
  });
}
