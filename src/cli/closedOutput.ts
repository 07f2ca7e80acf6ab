// `training-doctor lint x | head -1`: the reader goes away and the next write fails with EPIPE,
// which Node raises as an unhandled 'error' event (a stack trace). The command stops quietly
// instead, as a tool stopped by SIGPIPE would (exit 141); one that can stop cleanly (train,
// whose run is then recorded as cancelled) listens for SIGTERM and is asked to stop that way.

export const EXIT_OUTPUT_CLOSED = 141;

export function stopQuietlyWhenOutputCloses(streams: NodeJS.WritableStream[]): void {
  let stopping = false;
  const onError = (error: NodeJS.ErrnoException) => {
    // Writes after the first failure fail too (ERR_STREAM_DESTROYED): one stop is enough.
    if (stopping) return;
    stopping = true;
    // Another failure (a full disk behind a redirect, say) is not the reader's choice: say so, exit 1.
    const exitCode = error.code === 'EPIPE' ? EXIT_OUTPUT_CLOSED : 1;
    if (exitCode !== EXIT_OUTPUT_CLOSED) process.stderr.write(`training-doctor: cannot write the output: ${error.message}\n`);
    process.exitCode = exitCode;
    if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
    else process.exit(exitCode);
  };
  for (const stream of streams) stream.on('error', onError);
}
