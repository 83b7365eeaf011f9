import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { Document } from '#database';
import { userWithChat } from '../support/chat-app';
import { ChatCompletionRequest, LlmSimulator } from '../support/llm-simulator/llm-simulator';
import { startTestApp, TestApp } from '../support/test-app';

// A 1x1 PNG: enough for the vision path, which passes the bytes through.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

async function attachImage(t: TestApp, chatId: number, uploaderId: number): Promise<number> {
  fs.mkdirSync(t.config.uploadDir, { recursive: true });
  fs.writeFileSync(path.join(t.config.uploadDir, `img-${chatId}.png`), PNG);
  const document = await t.app.get(DataSource).getRepository(Document).save({
    filename: 'photo.png', file_path: `img-${chatId}.png`, file_size: PNG.length, mime_type: 'image/png',
    entity_type: 'chat', entity_id: chatId, uploader_id: uploaderId,
  });
  return document.id;
}

describe('Providers: vLLM with a separate vision server, models list, image parts', () => {
  let chatSim: LlmSimulator;
  let visionSim: LlmSimulator;
  let t: TestApp;

  beforeAll(async () => {
    chatSim = await LlmSimulator.start({ models: ['Mistral-Small-3.1-24B-Instruct-2503'] });
    visionSim = await LlmSimulator.start({ models: ['pixtral-large-latest'] });
    t = await startTestApp({
      LLM_MODE: 'vllm',
      VLLM_API_URL: `${chatSim.url}/chat/completions`,
      VLLM_MODEL_NAME: 'Mistral-Small-3.1-24B-Instruct-2503',
      PIXTRAL_VLLM_URL: visionSim.url,
      PIXTRAL_VLLM_MODEL: 'pixtral-large-latest',
    });
  });
  afterAll(async () => {
    await t.close();
    await chatSim.close();
    await visionSim.close();
  });

  it('lists the configured models with provider, capabilities and whether the server serves them', async () => {
    const { user } = await userWithChat(t, {}, 'Models');
    const response = await t.http().get('/api/models').set(user.auth).expect(200);
    expect(response.body).toEqual({
      default_model: 'Mistral-Small-3.1-24B-Instruct-2503',
      models: [
        { id: 'Mistral-Small-3.1-24B-Instruct-2503', provider: 'vllm', capabilities: ['chat'], served: true },
        { id: 'pixtral-large-latest', provider: 'vllm', capabilities: ['chat', 'vision'], served: true },
      ],
    });
    await t.http().get('/api/models').expect(401);
  });

  it('answers through vLLM, with usage reported by the server', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'vLLM');
    const sent = await t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'bonjour', stream: false }).expect(201);
    expect(sent.body.assistant_message).toMatchObject({
      status: 'complete',
      content: 'Echo: bonjour',
      llm_provider: 'vllm',
      llm_model: 'Mistral-Small-3.1-24B-Instruct-2503',
      completion_tokens: 2,
    });
    const request = chatSim.chatRequests().at(-1)!;
    expect(request.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(request.headers.authorization).toBe('Bearer EMPTY');
  });

  it('sends images to the vision model on its own server as image parts', async () => {
    const { user, chatId } = await userWithChat(t, {}, 'Vision');
    const imageId = await attachImage(t, chatId, user.id);
    const sent = await t.http().post('/api/messages').set(user.auth)
      .send({ chat_id: chatId, content: 'What is in this picture?', document_ids: [imageId], stream: false }).expect(201);
    expect(sent.body.assistant_message).toMatchObject({ llm_model: 'pixtral-large-latest', content: 'Echo: What is in this picture? [images: 1]' });
    const body = visionSim.chatRequests().at(-1)!.body as ChatCompletionRequest;
    expect(body.model).toBe('pixtral-large-latest');
    expect(body.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What is in this picture?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG.toString('base64')}` } },
      ],
    });

    // Another user's document cannot be attached.
    const other = await userWithChat(t, {}, 'Other');
    await t.http().post('/api/messages').set(other.user.auth).send({ chat_id: other.chatId, content: 'steal', document_ids: [imageId] }).expect(404);
  });
});

describe('Providers: Mistral API mode', () => {
  it('uses API_URL given as in the seed, the key as bearer, and the Pixtral model for images', async () => {
    const sim = await LlmSimulator.start({ apiKey: 'secret-key', models: ['mistral-small-latest', 'pixtral-large-latest'] });
    const t = await startTestApp({ API_URL: `${sim.url}/chat/completions`, API_KEY: 'secret-key' });
    try {
      const { user, chatId } = await userWithChat(t, {}, 'Mistral');
      const sent = await t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'salut', stream: false }).expect(201);
      expect(sent.body.assistant_message).toMatchObject({ llm_provider: 'mistral', llm_model: 'mistral-small-latest', content: 'Echo: salut' });
      expect(sim.chatRequests().at(-1)!.body).not.toHaveProperty('stream_options');
      expect(JSON.stringify(sent.body)).not.toContain('secret-key');

      const imageId = await attachImage(t, chatId, user.id);
      const vision = await t.http().post('/api/messages').set(user.auth).send({ chat_id: chatId, content: 'and this?', document_ids: [imageId], stream: false }).expect(201);
      expect(vision.body.assistant_message.llm_model).toBe('pixtral-large-latest');
      const models = await t.http().get('/api/models').set(user.auth).expect(200);
      expect(models.body.models.map((m: { id: string; served: boolean }) => [m.id, m.served])).toEqual([
        ['mistral-small-latest', true],
        ['pixtral-large-latest', true],
        ['mistral-embed', false],
      ]);
    } finally {
      await t.close();
      await sim.close();
    }
  });
});
