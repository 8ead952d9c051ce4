// undici's Client on its own: the package index pulls in fetch, WebSocket and caches too, which
// more than doubles what `mom curl` has to load at start.
declare module 'undici/lib/dispatcher/client.js' {
  import type { Client } from 'undici'
  const ClientClass: typeof Client
  export default ClientClass
}

declare module 'undici/lib/core/connect.js' {
  import buildConnector from 'undici/types/connector'
  export default buildConnector
}
