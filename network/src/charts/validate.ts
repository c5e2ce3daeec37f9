// SPDX-License-Identifier: Apache-2.0
import {
  ConfigMap,
  PersistentVolumeClaim,
  Secret,
  Service,
  ServiceAccount,
} from 'kubernetes-models/v1';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';

import type { KubeObject } from './helm';

interface Validatable {
  validate(): void;
}

type ModelClass<T> = new (data: T) => Validatable;

function model<T>(Model: ModelClass<T>): (object: KubeObject) => Validatable {
  // The rendered object is checked by validate() itself; the cast only hands it over.
  return (object) => new Model(object as unknown as T);
}

/** Offline schemas (kubernetes-models) for every apiVersion/kind the charts may render. */
const MODELS: Readonly<Record<string, (object: KubeObject) => Validatable>> = {
  'v1/ConfigMap': model(ConfigMap),
  'v1/PersistentVolumeClaim': model(PersistentVolumeClaim),
  'v1/Secret': model(Secret),
  'v1/Service': model(Service),
  'v1/ServiceAccount': model(ServiceAccount),
  'apps/v1/Deployment': model(Deployment),
  'apps/v1/StatefulSet': model(StatefulSet),
  'autoscaling/v2/HorizontalPodAutoscaler': model(HorizontalPodAutoscaler),
  'batch/v1/Job': model(Job),
  'batch/v1/CronJob': model(CronJob),
  'networking.k8s.io/v1/Ingress': model(Ingress),
  'networking.k8s.io/v1/NetworkPolicy': model(NetworkPolicy),
  'policy/v1/PodDisruptionBudget': model(PodDisruptionBudget),
  'rbac.authorization.k8s.io/v1/Role': model(Role),
  'rbac.authorization.k8s.io/v1/RoleBinding': model(RoleBinding),
};

/** Problems with one object against the Kubernetes API schema; empty when it is valid. */
export function validateObject(object: KubeObject): string[] {
  const create = MODELS[`${object.apiVersion}/${object.kind}`];
  const where = `${object.kind} ${object.metadata.name}`;
  if (!create) return [`${where}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    create(object).validate();
    return [];
  } catch (error) {
    return [`${where}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** Every problem in a set of rendered objects, one line each. */
export function validateObjects(objects: readonly KubeObject[]): string[] {
  return objects.flatMap(validateObject);
}
