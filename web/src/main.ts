// Starts the console: resumes or asks for a session, then routes hash changes to pages.
import './styles.css';
import { ApiClient } from './api-client.js';
import type { Session } from './api-model.js';
import { createAppShell, type AppShell } from './app-shell.js';
import { el } from './dom-builder.js';
import { errorBox } from './error-message.js';
import { navigate, parseRoute, watchRoute, type Route } from './hash-router.js';
import { LiveEvents } from './live-events.js';
import type { Page } from './page.js';
import { createDevicePage } from './pages/device-page.js';
import { createDevicesPage } from './pages/devices-page.js';
import { createEquipmentItemPage } from './pages/equipment-item-page.js';
import { createEquipmentPage } from './pages/equipment-page.js';
import { createFleetPage } from './pages/fleet-page.js';
import { createFilesPage } from './pages/files-page.js';
import { createLoginPage } from './pages/login-page.js';
import { createModelPage } from './pages/model-page.js';
import { createModelsPage } from './pages/models-page.js';
import { createSetupPage } from './pages/setup-page.js';
import { createSitesPage } from './pages/sites-page.js';
import { createAlertsPage } from './pages/alerts-page.js';
import { createAlertRulesPage } from './pages/alert-rules-page.js';
import { createNotificationChannelsPage } from './pages/notification-channels-page.js';

const EVENTS_URL = '/api/v1/events';

function startConsole(root: HTMLElement): void {
  let session: Session | null = null;
  let shell: AppShell | null = null;
  let currentPage: Page | null = null;
  /** Where to return after logging in again, so a lost session does not lose the operator's place. */
  let returnRoute: Route = { name: 'fleet' };
  const events = new LiveEvents();

  const endSession = (): void => {
    session = null;
    events.close();
    shell?.dispose();
    shell = null;
  };

  const api = new ApiClient({
    onUnauthorized: () => {
      if (session === null) return;
      const route = parseRoute(window.location.hash);
      if (route.name !== 'login') returnRoute = route;
      endSession();
      navigate({ name: 'login' });
    },
  });

  const showPage = (page: Page, route: Route | null): void => {
    currentPage?.dispose();
    currentPage = page;
    if (route === null || session === null) {
      root.replaceChildren(page.element);
      return;
    }
    if (shell === null) {
      const newShell = createAppShell(session.operatorName, api, events, () => void logout());
      shell = newShell;
    }
    if (shell.element.parentElement !== root) root.replaceChildren(shell.element);
    shell.mount(page.element, route);
  };

  const beginSession = (newSession: Session): void => {
    session = newSession;
    events.open(EVENTS_URL);
  };

  const logout = async (): Promise<void> => {
    try {
      await api.logout();
    } catch (error) {
      console.warn('logout request failed; the session is dropped locally anyway', error);
    }
    returnRoute = { name: 'fleet' };
    endSession();
    navigate({ name: 'login' });
  };

  const render = (route: Route): void => {
    if (session === null || route.name === 'login') {
      if (session !== null) {
        navigate(returnRoute);
        return;
      }
      if (route.name !== 'login') {
        returnRoute = route;
        navigate({ name: 'login' });
        return;
      }
      showPage(
        createLoginPage({
          api,
          onLoggedIn: (newSession) => {
            beginSession(newSession);
            navigate(returnRoute);
          },
        }),
        null,
      );
      return;
    }
    const context = { api, events };
    switch (route.name) {
      case 'fleet':
        showPage(createFleetPage(context), route);
        break;
      case 'devices':
        showPage(createDevicesPage(context), route);
        break;
      case 'device':
        showPage(createDevicePage(context, route.deviceId), route);
        break;
      case 'setup':
        showPage(createSetupPage(context), route);
        break;
      case 'files':
        showPage(createFilesPage(context, route.fileName), route);
        break;
      case 'equipment':
        showPage(createEquipmentPage(context), route);
        break;
      case 'equipment-item':
        showPage(createEquipmentItemPage(context, route.equipmentId), route);
        break;
      case 'models':
        showPage(createModelsPage(context), route);
        break;
      case 'model':
        showPage(createModelPage(context, route.modelId), route);
        break;
      case 'sites':
        showPage(createSitesPage(context), route);
        break;
      case 'alerts':
        showPage(createAlertsPage(context), route);
        break;
      case 'alert-rules':
        showPage(createAlertRulesPage(context), route);
        break;
      case 'notification-channels':
        showPage(createNotificationChannelsPage(context), route);
        break;
    }
  };

  api
    .resumeSession()
    .then((resumed) => {
      if (resumed !== null) beginSession(resumed);
      watchRoute(render);
    })
    .catch((error: unknown) => {
      root.replaceChildren(el('main', { class: 'login-page' }, el('div', { class: 'login-form' }, el('h1', {}, 'OpenTPS console'), errorBox(error))));
    });
}

const root = document.getElementById('app');
if (root !== null) startConsole(root);
