/** The loadgen app: health, metrics, and `GET`/`PUT /control` to read and change the rate and mix. */
import { createServiceApp, type RuntimeConfig, type ServiceChaos } from '@kit/service';
import { AppError, type Lifecycle, type Logger } from '@kit/telemetry';
import { Router, type Express } from 'express';
import type { GeneratorSettings } from './generator';

export function createApp(deps: { lifecycle: Lifecycle; logger: Logger; chaos?: ServiceChaos | undefined; control: RuntimeConfig<GeneratorSettings>; inFlight: () => number }): Express {
  const routes = Router();
  routes.get('/control', (_req, res) => {
    res.json({ ...deps.control.get(), version: deps.control.version(), inFlight: deps.inFlight() });
  });
  routes.put('/control', (req, res) => {
    const result = deps.control.apply(req.body, 'control endpoint');
    if (!result.ok) throw new AppError(400, 'invalid_settings', result.problems.join('; '), { details: result.problems });
    res.json({ ...result.config, version: result.version });
  });
  return createServiceApp({ lifecycle: deps.lifecycle, logger: deps.logger, chaos: deps.chaos, routes });
}
