/**
 * The public flowchart page of a plan, /plans/<id>: the SVG drawn on the server (no script, no CDN).
 */
import express, { type Router } from 'express';
import type { Platform } from '../../../platform/context.js';
import { loadWorkingCalendar } from '../calendar/store.js';
import { messagePage, page } from '../pages/pages.js';
import { planView } from './plans.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function planRoutes(platform: Platform): Router {
  const router = express.Router();
  router.get('/plans/:id', async (req, res, next) => {
    try {
      const view = await planView(platform, req.params.id, await loadWorkingCalendar(platform.prisma));
      const rows = view.graph.stages
        .map(
          (s) =>
            `<tr><td>${esc(s.id)}</td><td>${esc(s.label)}</td><td>${s.days}</td><td>${s.start}</td><td>${s.finish}</td><td>${s.critical ? '★' : ''}</td></tr>`,
        )
        .join('');
      res
        .set('cache-control', 'no-store')
        .type('html')
        .send(
          page(
            `订单式服务 · ${view.plan.name}`,
            `<h1>${esc(view.plan.name)}</h1><p>预计办结：${view.graph.expectedFinish}（关键路径：${view.graph.criticalPath.map(esc).join(' → ')}）</p>
<div class="flowchart" style="width:calc(100vw - 32px);margin-left:calc(50% - 50vw + 16px);overflow-x:auto;background:#fff;border:1px solid #dde3ea;border-radius:8px">${view.svg}</div>
<table><tr><th>环节</th><th>名称</th><th>工作日</th><th>开始</th><th>完成</th><th>关键</th></tr>${rows}</table>`,
          ),
        );
    } catch (err) {
      if (err instanceof Error && 'extensions' in err) {
        res.status(404).type('html').send(messagePage('未找到计划', '该订单式服务计划不存在。'));
        return;
      }
      next(err);
    }
  });
  return router;
}
