// WebM/Opus → Ogg/Opus without re-encoding (see voice.ts). A module of its own so that only the WebM reader and the
// Ogg writer of mediabunny end up in this lazily loaded chunk.
import { BlobSource, BufferTarget, Conversion, Input, OggOutputFormat, Output, WEBM } from 'mediabunny';

export async function webmToOgg(recorded: Blob): Promise<ArrayBuffer> {
  const input = new Input({ source: new BlobSource(recorded), formats: [WEBM] });
  const output = new Output({ format: new OggOutputFormat(), target: new BufferTarget() });
  const conversion = await Conversion.init({ input, output });
  if (!conversion.isValid) throw new Error('recording has no Opus audio to convert');
  await conversion.execute();
  if (!output.target.buffer) throw new Error('conversion produced nothing');
  return output.target.buffer;
}
