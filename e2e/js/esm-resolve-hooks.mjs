// @xmtp/grpc-api-client is an ES module, so it loads the ES module build of @xmtp/proto, whose files import
// each other (and protobufjs/minimal) without the ".js" extension that Node's ESM resolver requires. This
// resolve hook tries the same specifier with ".js" when Node finds no file for it; nothing else changes.
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (e) {
    if (e?.code === 'ERR_MODULE_NOT_FOUND' && !specifier.endsWith('.js') && !specifier.startsWith('node:')) {
      return nextResolve(`${specifier}.js`, context);
    }
    throw e;
  }
}
