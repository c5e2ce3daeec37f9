// SPDX-License-Identifier: Apache-2.0
import fs from 'node:fs';
import path from 'node:path';

import * as k8s from '@kubernetes/client-node';

/** The node's StorageClass: the charts' persistence.storageClass / global.storageClass on this node. */
export const LOCAL_STORAGE_CLASS = 'consortia-local';

export interface LocalVolumesOptions {
  /** Directory holding one folder per volume (under the state dir, so `stop --purge` removes it). */
  dir: string;
  count: number;
  /** Large enough for any claim the charts make (Kubernetes binds a claim to a bigger volume). */
  capacity?: string;
}

/**
 * Statically provisioned hostPath volumes under a no-provisioner StorageClass that binds when the
 * pod is scheduled, as a cloud's CSI driver would: every PersistentVolumeClaim of the charts finds
 * one. The folders are world-writable because hostPath volumes ignore the pods' fsGroup.
 */
export async function ensureLocalVolumes(
  admin: k8s.KubeConfig,
  options: LocalVolumesOptions,
): Promise<void> {
  const storage = admin.makeApiClient(k8s.StorageV1Api);
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const existing = await storage.listStorageClass();
  if (!existing.items.some((item) => item.metadata?.name === LOCAL_STORAGE_CLASS)) {
    await storage.createStorageClass({
      body: {
        metadata: { name: LOCAL_STORAGE_CLASS },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'WaitForFirstConsumer',
        reclaimPolicy: 'Retain',
      },
    });
  }
  const volumes = new Set(
    (await core.listPersistentVolume()).items.map((volume) => volume.metadata?.name),
  );
  for (let i = 0; i < options.count; i++) {
    const name = `${LOCAL_STORAGE_CLASS}-${String(i).padStart(3, '0')}`;
    if (volumes.has(name)) continue;
    const dir = path.join(options.dir, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, 0o777);
    await core.createPersistentVolume({
      body: {
        metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'consortia-node' } },
        spec: {
          capacity: { storage: options.capacity ?? '200Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: LOCAL_STORAGE_CLASS,
          hostPath: { path: dir, type: 'Directory' },
        },
      },
    });
  }
}
