export * from './aliases';
