// SPDX-License-Identifier: Apache-2.0
import { Link } from 'react-router-dom';

import { PageTitle } from '../components/ui';

export function NotFoundPage() {
  return (
    <>
      <PageTitle title="Not found">Page not found</PageTitle>
      <p>
        This address is not a page of the explorer. <Link to="/">Go to the dashboard</Link>.
      </p>
    </>
  );
}
