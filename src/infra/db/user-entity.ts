import { EntitySchema } from 'typeorm';
import type { UserRecord } from '../../domains/identity/records.js';

export const UserEntity = new EntitySchema<UserRecord>({
  name: 'User',
  tableName: 'users',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    name: { type: 'varchar', length: 100 },
    email: { type: 'varchar', length: 254 },
    systemRole: { name: 'system_role', type: 'varchar', length: 16 },
    createdAt: { name: 'created_at', type: 'datetime', precision: 6, createDate: true },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 6, updateDate: true },
  },
  uniques: [{ name: 'UQ_users_email', columns: ['email'] }],
});
