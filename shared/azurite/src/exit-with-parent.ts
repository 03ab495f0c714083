// Loaded into Azurite's own process (`node --import`): Azurite stops when the process that
// started it goes away, however it went (a SIGKILL, a closed terminal, npm killed under it).
// The IPC channel to the parent closes with the parent, so no emulator is left holding ports
// 10000–10002 for the next `npm start` to trip over. SIGTERM lets Azurite close its databases.
if (process.send) {
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  // Azurite ends by closing its servers and letting the event loop run dry: the channel must not hold it.
  process.channel?.unref();
}
