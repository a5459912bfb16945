import { Parser } from '@asyncapi/parser';
import { eventTypesRoutedTo, renderAsyncApi, userEventTypes } from '../src/events';

describe('the AsyncAPI document of the events', () => {
  const document = renderAsyncApi({ version: '1.2.3' });
  type Operation = { messages: Array<{ $ref: string }> };
  const operations = document.operations as Record<string, Operation>;

  it('is a valid AsyncAPI 3 document (the AsyncAPI parser finds no error)', async () => {
    const { diagnostics, document: parsed } = await new Parser().parse(JSON.stringify(document));
    const errors = diagnostics.filter((diagnostic) => diagnostic.severity === 0);
    expect(errors.map((error) => `${error.path.join('.')}: ${error.message}`)).toEqual([]);
    expect(parsed?.version()).toBe('3.0.0');
  });

  it('describes every event type of the catalogue, and each queue receives what the catalogue routes to it', () => {
    const names = Object.values(document.channels.userEvents.messages).map((message) => message.name);
    expect(names.sort()).toEqual([...userEventTypes].sort());
    const received = operations.receive_user_notifications!.messages.map((ref) => ref.$ref.split('/').at(-1));
    expect(received).toEqual(eventTypesRoutedTo('user-notifications').map((type) => type.replaceAll('.', '_')));
  });

  it('carries each payload schema from the envelope that producers are held to', () => {
    const created = document.channels.userEvents.messages.user_created!.payload.schema as {
      properties: Record<string, unknown>;
      required: string[];
    };
    expect(created.required).toEqual(expect.arrayContaining(['id', 'type', 'userId', 'userVersion', 'payload']));
    expect(created.properties.payload).toMatchObject({ required: expect.arrayContaining(['email', 'roles']) });
  });
});
