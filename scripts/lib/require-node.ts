// Imported first by every script: a clear word instead of a cryptic failure on an old Node.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  console.error(
    `This workshop needs Node.js 22.12 or newer (Node 24 LTS recommended); this is ${process.version}.\n` +
      'Run the commands through npm (npm start, npm test, npm run lab:01): npm uses the Node 24\n' +
      'that `npm install` put in node_modules. Or install Node 24 LTS from nodejs.org.',
  );
  process.exit(1);
}
