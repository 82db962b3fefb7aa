export {
  type Admission,
  type AdmissionDeps,
  type AdmissionJob,
  createAdmission,
  type FairShareCaps,
} from './admission';
export { createFairShareGate, type FairShareGate } from './gate';
