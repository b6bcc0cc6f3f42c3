import 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** http://127.0.0.1:PORT of the moto server started by test/integration/global-setup.ts */
    awsEndpoint: string;
  }
}
