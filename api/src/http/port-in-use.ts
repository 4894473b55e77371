import net from 'node:net';

/** A port another program holds: the message names the port and the setting that moves it, and needs no stack. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    what: string,
    setting?: string,
  ) {
    super(`Port ${port} is already in use, so ${what} cannot start. Stop the program using it${setting ? `, or set ${setting} to another port` : ''}.`);
  }
}

/** Whether a listen failed because the address is taken. */
export const isAddressInUse = (error: unknown): boolean => (error as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';

/** Whether something already listens on `host:port`, found by trying to listen there for a moment. */
export function portInUse(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', (error) => resolve(isAddressInUse(error)));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(false)));
  });
}
