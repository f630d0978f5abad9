/**
 * `kcops ... | head`: when the reader of stdout (or stderr) goes away, the next write fails with EPIPE. Node turns that
 * into an unhandled 'error' event and a stack trace. Like git or kubectl, kcops then has nobody left to tell anything,
 * so it ends quietly; exit 0 because the reader chose to stop reading, which is not a failure of the command.
 */
export function endQuietlyWhenClosed(stream: NodeJS.WritableStream, end: () => void = () => process.exit(0)): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      end();
      return;
    }
    // Anything else (a full disk behind a redirect, EIO) is a real failure: keep Node's default of crashing loudly.
    throw e;
  });
}
