// The endpoint value to type into the CWM, checked as the operator types with the very rule the server
// and `opentps endpoint check` use (src/protocol/endpoint-name.ts), with the reason and a one-click fix.
import { checkEndpointName, type EndpointCheck } from '../../../src/protocol/endpoint-name.js';
import { el, replaceChildren } from '../dom-builder.js';
import { labeledField } from '../form-field.js';

export interface EndpointChecker {
  readonly element: HTMLElement;
  /** The current value when valid, else null. */
  readonly validValue: () => string | null;
  readonly setValue: (value: string) => void;
}

export function createEndpointChecker(onChange: (check: EndpointCheck) => void): EndpointChecker {
  const input = el('input', { name: 'endpoint', class: 'mono endpoint-input', autocomplete: 'off', spellcheck: 'false', placeholder: 'tps.mycompany.com' });
  const verdict = el('div', { class: 'endpoint-verdict', role: 'status', 'aria-live': 'polite' });
  let current: EndpointCheck = checkEndpointName('');

  const show = (): void => {
    current = checkEndpointName(input.value);
    input.setAttribute('aria-invalid', String(!current.isValid && input.value !== ''));
    if (current.isValid) {
      replaceChildren(
        verdict,
        el('div', { class: 'alert alert-success' }, 'Valid: enter ', el('strong', { class: 'mono' }, current.value), ` in all three endpoints (${current.kind === 'dns' ? 'DNS name' : 'IP address'}).`),
      );
    } else if (input.value === '') {
      replaceChildren(verdict, el('p', { class: 'muted' }, 'Type the DNS name or IP address the CWMs will use to reach this server.'));
    } else {
      const suggestion = current.suggestion;
      const fix = suggestion === null ? null : el('button', { type: 'button', class: 'link-button' }, `Use ${suggestion}`);
      fix?.addEventListener('click', () => {
        input.value = suggestion ?? '';
        show();
        input.focus();
      });
      replaceChildren(verdict, el('div', { class: 'alert alert-error' }, el('strong', {}, 'Not valid: '), current.reason, '. ', fix));
    }
    onChange(current);
  };
  input.addEventListener('input', show);

  return {
    element: el(
      'div',
      {},
      labeledField('Endpoint value', input, 'A bare DNS name (at most 64 characters) or IP address: no https://, no path, no :port, no ?query.'),
      verdict,
    ),
    validValue: () => (current.isValid ? current.value : null),
    setValue: (value) => {
      input.value = value;
      show();
    },
  };
}
