// The console's routes and their URL hashes (#/devices/<id>): pure, so Node tests can check them too.

export type Route =
  | { readonly name: 'login' }
  | { readonly name: 'fleet' }
  | { readonly name: 'devices' }
  | { readonly name: 'device'; readonly deviceId: string }
  | { readonly name: 'setup' }
  | { readonly name: 'files'; readonly fileName: string | null }
  | { readonly name: 'equipment' }
  | { readonly name: 'equipment-item'; readonly equipmentId: string }
  | { readonly name: 'models' }
  /** A model's dictionary editor; a null id is a new model (#/models/new). */
  | { readonly name: 'model'; readonly modelId: string | null }
  | { readonly name: 'sites' }
  | { readonly name: 'alerts' }
  | { readonly name: 'alert-rules' }
  | { readonly name: 'notification-channels' };

const NEW_MODEL_SEGMENT = 'new';

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '');
  const parts = path.split('/').filter((part) => part !== '');
  if (parts[0] === 'login') return { name: 'login' };
  if (parts[0] === 'setup') return { name: 'setup' };
  if (parts[0] === 'files') return { name: 'files', fileName: parts[1] === undefined ? null : decodeURIComponent(parts[1]) };
  if (parts[0] === 'equipment') {
    return parts[1] === undefined ? { name: 'equipment' } : { name: 'equipment-item', equipmentId: decodeURIComponent(parts[1]) };
  }
  if (parts[0] === 'models') {
    if (parts[1] === undefined) return { name: 'models' };
    return { name: 'model', modelId: parts[1] === NEW_MODEL_SEGMENT ? null : decodeURIComponent(parts[1]) };
  }
  if (parts[0] === 'sites') return { name: 'sites' };
  if (parts[0] === 'alerts') return { name: 'alerts' };
  if (parts[0] === 'alert-rules') return { name: 'alert-rules' };
  if (parts[0] === 'notification-channels') return { name: 'notification-channels' };
  if (parts[0] === 'devices') {
    const encodedId = parts[1];
    if (encodedId === undefined) return { name: 'devices' };
    return { name: 'device', deviceId: decodeURIComponent(encodedId) };
  }
  return { name: 'fleet' };
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'login':
      return '#/login';
    case 'fleet':
      return '#/fleet';
    case 'devices':
      return '#/devices';
    case 'device':
      return `#/devices/${encodeURIComponent(route.deviceId)}`;
    case 'setup':
      return '#/setup';
    case 'files':
      return route.fileName === null ? '#/files' : `#/files/${encodeURIComponent(route.fileName)}`;
    case 'equipment':
      return '#/equipment';
    case 'equipment-item':
      return `#/equipment/${encodeURIComponent(route.equipmentId)}`;
    case 'models':
      return '#/models';
    case 'model':
      return `#/models/${route.modelId === null ? NEW_MODEL_SEGMENT : encodeURIComponent(route.modelId)}`;
    case 'sites':
      return '#/sites';
    case 'alerts':
      return '#/alerts';
    case 'alert-rules':
      return '#/alert-rules';
    case 'notification-channels':
      return '#/notification-channels';
  }
}

export function deviceHref(deviceId: string): string {
  return routeHash({ name: 'device', deviceId });
}

export function equipmentHref(equipmentId: string): string {
  return routeHash({ name: 'equipment-item', equipmentId });
}

export function modelHref(modelId: string): string {
  return routeHash({ name: 'model', modelId });
}
