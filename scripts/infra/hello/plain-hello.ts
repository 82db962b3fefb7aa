// The floor: a Lambda handler with no framework at all.
export const handler = async () => ({ statusCode: 200, body: '{"hello":"world"}' });
