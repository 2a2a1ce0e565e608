// Node stand-in for a wrangler Text module (the docs viewer's bundle): its content does not matter there.
export default '';
