// The login page: name and password to POST /api/v1/session.
import { ApiError, type ApiClient } from '../api-client.js';
import type { Session } from '../api-model.js';
import { el, replaceChildren } from '../dom-builder.js';
import { describeError } from '../error-message.js';
import { labeledField } from '../form-field.js';
import type { Page } from '../page.js';

export interface LoginPageOptions {
  readonly api: ApiClient;
  readonly onLoggedIn: (session: Session) => void;
}

export function createLoginPage(options: LoginPageOptions): Page {
  const nameInput = el('input', { name: 'name', autocomplete: 'username', required: true, value: 'admin' });
  const passwordInput = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const submitButton = el('button', { type: 'submit', class: 'primary' }, 'Log in');
  const status = el('div', { class: 'form-status', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'login-form', 'aria-labelledby': 'login-title' },
    el('h1', { id: 'login-title' }, 'OpenTPS console'),
    el('p', { class: 'muted' }, 'Log in as an operator.'),
    labeledField('Name', nameInput),
    labeledField('Password', passwordInput),
    submitButton,
    status,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submitButton.disabled = true;
    replaceChildren(status);
    options.api
      .login(nameInput.value.trim(), passwordInput.value)
      .then((session) => {
        passwordInput.value = '';
        options.onLoggedIn(session);
      })
      .catch((error: unknown) => {
        replaceChildren(status, el('div', { class: 'alert alert-error', role: 'alert' }, describeLoginError(error)));
        passwordInput.select();
      })
      .finally(() => {
        submitButton.disabled = false;
      });
  });

  const element = el('main', { class: 'login-page' }, form);
  queueMicrotask(() => (nameInput.value === '' ? nameInput : passwordInput).focus());
  return { element, dispose: () => undefined };
}

function describeLoginError(error: unknown): string {
  if (error instanceof ApiError && error.code === 'ERR_LOGIN_FAILED') return 'Wrong name or password.';
  if (error instanceof ApiError && error.code === 'ERR_LOGIN_RATE_LIMITED') {
    const wait = error.retryAfterS === null ? 'a while' : `${error.retryAfterS} s`;
    return `Too many attempts. Try again in ${wait}.`;
  }
  return describeError(error);
}
